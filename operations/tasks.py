from celery import shared_task

from operations import services


@shared_task(acks_late=True)
def operation_execute(operation_id: str) -> bool:
    return services.operation_run(operation_id=operation_id)


@shared_task
def operations_resume_stalled() -> int:
    return services.operations_resume_stalled()
