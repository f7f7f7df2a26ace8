"""Who may do what: everybody reads; each write action needs its own model permission.

A view declares `write_permissions = {action: "app.codename"}`. A method the view does not
offer passes here, so the client learns 405 rather than 401/403 (PUT, PATCH, DELETE).
"""
from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission


class ReadOrPermittedWrite(BasePermission):
    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        required = getattr(view, "write_permissions", {}).get(getattr(view, "action", None))
        if required is None:
            return True  # not a write this view offers: its handler answers 405
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(required))
