"""What can go wrong with a reading task, beyond the state machine's refusals."""

from app.errors import Conflict, NotFound
from app.tasks.models import ReadingTask


class TaskNotFound(NotFound):
    def __init__(self, task_id: int) -> None:
        super().__init__(f"no reading task {task_id}")


class VersionConflict(Conflict):
    def __init__(self, task: ReadingTask, expected: int) -> None:
        super().__init__(
            f"task {task.id} is at version {task.version} ({task.state}), not {expected}: "
            "someone moved first; reload it"
        )
        self.problem_fields = {"state": task.state, "version": task.version}
