"""What a long-running process does once it has started, before its first piece of work."""

import gc


def freeze_startup_objects() -> None:
    """Keep everything alive at start out of the garbage collector's full collections.

    A full collection walks every tracked object: with the modules, mappers, routes and compiled
    statements a process holds from its start, that is tens of milliseconds, paid inside
    whichever request or transaction it interrupts. Those objects live as long as the process.
    """
    gc.collect()
    gc.freeze()
