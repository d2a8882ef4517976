"""Faults injected through the control API, consumed one per matching call.

Faults live in memory (a restart clears them). Each fault is a dict
``{"operation", "kind", "count", "seconds", "code"}``; a call takes the first
fault whose operation is its own or ``*`` and decrements its count.
"""

import threading

OPERATIONS = ("token", "register", "status", "submit", "search", "*")
KINDS = (
    "latency",
    "http_500",
    "http_503",
    "expire_token",
    "drop_after_commit",
    "malformed",
    "business_error",
)
DEFAULT_BUSINESS_CODE = "ERR_DGFIP_R2P_INCONNU"


class FaultError(ValueError):
    """An invalid fault specification."""


class Faults:
    def __init__(self):
        self._lock = threading.Lock()
        self._faults = []

    def add(self, spec):
        if not isinstance(spec, dict):
            raise FaultError("a JSON object is expected")
        operation = spec.get("operation", "*")
        kind = spec.get("kind")
        if operation not in OPERATIONS:
            raise FaultError(f"operation must be one of {', '.join(OPERATIONS)}")
        if kind not in KINDS:
            raise FaultError(f"kind must be one of {', '.join(KINDS)}")
        count = spec.get("count", 1)
        seconds = spec.get("seconds", 2.0)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise FaultError("count must be a positive integer")
        if not isinstance(seconds, (int, float)) or seconds < 0:
            raise FaultError("seconds must be a non-negative number")
        fault = {
            "operation": operation,
            "kind": kind,
            "count": count,
            "seconds": float(seconds),
            "code": str(spec.get("code") or DEFAULT_BUSINESS_CODE),
        }
        with self._lock:
            self._faults.append(fault)
        return dict(fault)

    def take(self, operation):
        """Consume and return the first fault matching ``operation`` (or None)."""
        with self._lock:
            for fault in self._faults:
                if fault["operation"] in (operation, "*"):
                    fault["count"] -= 1
                    if fault["count"] <= 0:
                        self._faults.remove(fault)
                    return dict(fault)
        return None

    def pending(self):
        with self._lock:
            return [dict(fault) for fault in self._faults]

    def clear(self):
        with self._lock:
            self._faults.clear()
