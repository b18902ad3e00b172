"""Full garbage collections that do not grow with the number of open sockets.

A server holding 5,000 sockets keeps millions of long-lived objects (each connection's protocol,
scope, session and person), and CPython's full collection walks every one of them: measured in
bench/district.py, a full collection took 85 ms with no socket open and 583 ms with 5,000, a pause
in which no request is answered (it was the POST's p99). After each full collection every object
it kept is alive, so they are frozen (gc.freeze): the next full collections walk only what was
made since. Cycles among frozen objects that die later (a socket closed since) are collected at
every FULL_SCAN_EVERY-th full collection, which unfreezes first and walks everything: the long
pause comes a hundred times more rarely (under the district bench's load a full collection came
every 3-4 s, so a full walk every 5-6 minutes), and nothing dead is kept for longer than that.
Objects freed by reference counting (most of them) are freed at once, frozen or not."""
import gc

FULL_SCAN_EVERY = 100

_full_collections = 0


def _after_collection(phase: str, info: dict) -> None:
    global _full_collections
    if phase != "stop" or info["generation"] != 2:
        return
    _full_collections += 1
    if _full_collections % FULL_SCAN_EVERY == 0:
        gc.unfreeze()  # the next full collection walks every object again
    else:
        gc.freeze()


def freeze_survivors_of_full_collections() -> None:
    """Installed once per server process (iepteam/asgi.py)."""
    if _after_collection not in gc.callbacks:
        gc.callbacks.append(_after_collection)
