from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def documentation(request):
    return render(request, "api/docs.html", {})
