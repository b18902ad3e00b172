"""The PDF check itself, without the upload around it: whatever bytes it is given, it answers
with a list of findings or a refusal, never another error (a 500 for the evaluator)."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.evaluations import pdf_inspection

from . import hostile_pdfs
from .helpers import object_stream, pdf

SEEDS = [
    pdf(), hostile_pdfs.build(), hostile_pdfs.js_open_action_in_hex_object_stream(),
    hostile_pdfs.js_open_action_in_object_stream_with_two_filters(),
    hostile_pdfs.file_attachment_without_embedded_file_type(), hostile_pdfs.with_xfa_form(),
    hostile_pdfs.written_by_a_real_writer(), pdf(extra_objects=[object_stream(b"7 0 << /S /JavaScript /JS (x) >>")]),
]
TOKENS = [b"<<", b">>", b"[", b"]", b" 0 R", b"/ObjStm", b"stream\n", b"endstream", b"9999999999", b"(", b"#",
          b"/Filter /FlateDecode", b"\xff\xfe", b"/N -1", b"/First 99999"]

edit = st.one_of(
    st.tuples(st.just("set"), st.integers(min_value=0), st.integers(min_value=0, max_value=255)),
    st.tuples(st.just("cut"), st.integers(min_value=0), st.integers(min_value=1, max_value=40)),
    st.tuples(st.just("put"), st.integers(min_value=0), st.sampled_from(TOKENS)),
)


def _mutate(data: bytes, edits) -> bytes:
    out = bytearray(data)
    for kind, where, what in edits:
        where %= max(1, len(out))
        if kind == "set" and out:
            out[where] = what
        elif kind == "cut":
            del out[where: where + what]
        elif kind == "put":
            out[where:where] = what
    return bytes(out)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(range(len(SEEDS))), edits=st.lists(edit, min_size=1, max_size=5))
def test_damaged_files_are_refused_or_checked_never_an_error(seed, edits):
    try:
        found = pdf_inspection.active_content(_mutate(SEEDS[seed], edits))
    except pdf_inspection.Refusal as refusal:
        assert refusal.code in {"not_a_pdf", "pdf_too_complex", "pdf_encrypted"} and refusal.message
    else:
        assert isinstance(found, list)


def test_the_seeds_are_what_they_say_before_they_are_damaged():
    assert pdf_inspection.active_content(SEEDS[0]) == pdf_inspection.active_content(SEEDS[1]) == []
    assert pdf_inspection.active_content(SEEDS[2]) == ["/JavaScript"]
    assert pdf_inspection.active_content(SEEDS[4]) == ["/EmbeddedFile", "/FileAttachment"]
    assert pdf_inspection.active_content(SEEDS[5]) == ["/XFA"]


def test_a_bomb_stops_at_the_stream_cap_not_at_its_full_size():
    with pytest.raises(pdf_inspection.Refusal) as refused:
        pdf_inspection.active_content(hostile_pdfs.compression_bomb())
    assert refused.value.code == "pdf_too_complex"


def test_the_per_file_budget_refuses_many_streams_that_are_each_within_the_cap(settings):
    settings.EVALUATION_PDF_DECODED_MAX_BYTES = 4 * 1024 * 1024
    streams = [hostile_pdfs.stream(b" " * (1024 * 1024), filters=("FlateDecode",)) for _ in range(6)]
    with pytest.raises(pdf_inspection.Refusal) as refused:
        pdf_inspection.active_content(hostile_pdfs.build(objects=streams))
    assert refused.value.code == "pdf_too_complex"
    settings.EVALUATION_PDF_DECODED_MAX_BYTES = 8 * 1024 * 1024
    assert pdf_inspection.active_content(hostile_pdfs.build(objects=streams)) == []
