"""Two (or more) things at the same moment, in-process: each call in its own thread, released
together by a barrier, each on its own database connection (closed when it is done)."""
import threading

from django.db import connection


def at_once(*calls, seconds: int = 60) -> list:
    """Each call's result, in order; a call that raised answers its exception."""
    barrier = threading.Barrier(len(calls), timeout=30)
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as error:  # noqa: BLE001 - the test reads it
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds)
    return results
