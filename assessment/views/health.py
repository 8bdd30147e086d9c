from django.http import HttpRequest, JsonResponse

from assessment.services.health import OK, dependencies_check


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 while the service can serve (its status "degraded" when the cache
    or the task queue is in trouble, each named), 503 when the database does not answer."""
    states = dependencies_check()
    if states["database"] != OK:
        status = "down"
    elif all(state == OK for state in states.values()):
        status = OK
    else:
        status = "degraded"
    return JsonResponse({"status": status, **states}, status=503 if status == "down" else 200)
