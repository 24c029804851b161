"""What can go wrong when explaining a task's routing."""

from app.errors import NotFound


class TaskNotFound(NotFound):
    def __init__(self, task_id: int) -> None:
        super().__init__(f"no reading task {task_id}")
