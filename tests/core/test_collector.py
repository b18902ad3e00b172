"""What survives a full garbage collection is frozen, so the next ones walk only newer objects;
every FULL_SCAN_EVERY-th full collection walks everything again, so a cycle among frozen objects
that died meanwhile is collected then (nothing dead is kept for ever)."""
import gc
import weakref

import pytest

from apps.core import collector


class Node:
    pass


@pytest.fixture
def every_third(monkeypatch):
    monkeypatch.setattr(collector, "FULL_SCAN_EVERY", 3)
    monkeypatch.setattr(collector, "_full_collections", 0)
    collector.freeze_survivors_of_full_collections()
    gc.unfreeze()
    yield
    gc.unfreeze()


def _cycle():
    a, b = Node(), Node()
    a.other, b.other = b, a
    return a


def test_survivors_of_a_full_collection_are_frozen_and_new_objects_are_not(every_third):
    kept = _cycle()
    gc.collect()
    frozen = gc.get_freeze_count()
    assert frozen > 0 and gc.is_tracked(kept)
    young = [_cycle() for _ in range(10)]
    assert gc.get_freeze_count() == frozen  # made after the freeze: walked by the next collections
    assert young


def test_a_dead_cycle_among_frozen_objects_is_collected_at_the_next_full_walk(every_third):
    kept = _cycle()
    gc.collect()  # 1st full collection: the cycle is alive, and frozen with the rest
    dead = weakref.ref(kept)
    del kept
    gc.collect()  # 2nd: frozen objects are not walked, the dead cycle stays
    assert dead() is not None
    gc.collect()  # 3rd: unfreezes after it ...
    assert gc.get_freeze_count() == 0
    gc.collect()  # ... so the 4th walks everything and frees it
    assert dead() is None


def test_installing_twice_hooks_once():
    collector.freeze_survivors_of_full_collections()
    collector.freeze_survivors_of_full_collections()
    assert gc.callbacks.count(collector._after_collection) == 1
