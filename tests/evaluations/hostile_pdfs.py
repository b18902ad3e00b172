"""Hostile PDFs built by hand, byte by byte, as an attacker would: each one opens in a reader and
carries something a report must not (JavaScript, an attached file, a link to the disk, a bomb),
hidden where a scanner reading the bytes does not look."""
import binascii
import struct
import zlib

TEXT = b"BT /F1 18 Tf 72 720 Td (Hostile report) Tj ET"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
CONTENTS = b"<< /Length %d >>\nstream\n" % len(TEXT) + TEXT + b"\nendstream"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _encode(data: bytes, filters) -> bytes:
    """Applies the filters so that a reader, decoding them in the order listed, gets `data`."""
    for name in reversed(filters):
        if name == "FlateDecode":
            data = zlib.compress(data, 9)
        elif name == "ASCIIHexDecode":
            data = binascii.hexlify(data) + b">"
        else:
            raise ValueError(name)
    return data


def stream(data: bytes, *, filters=(), extra: bytes = b"") -> bytes:
    encoded = _encode(data, filters)
    names = b""
    if filters:
        names = b" /Filter [" + b" ".join(b"/" + f.encode() for f in filters) + b"]"
    return (b"<< " + extra + names + b" /Length %d >>\nstream\n" % len(encoded) + encoded + b"\nendstream")


def build(*, catalog_extra: bytes = b"", page_extra: bytes = b"", objects=(), packed=None,
          packed_filters=("FlateDecode",), packed_dict_extra: bytes = b"", contents: bytes | None = None,
          object_stream: bytes | None = None) -> bytes:
    """A PDF 1.7 with a cross-reference stream. Objects 1-5 are the catalog and one page;
    `objects` follow from number 6; `packed` (a list of object bodies) go into one object
    stream, compressed with `packed_filters`, numbered after `objects`. `contents` replaces the
    page's content stream object."""
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R " \
           b"/Resources << /Font << /F1 5 0 R >> >> " + page_extra + b" >>"
    plain = [b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>", PAGES, page, contents or CONTENTS, FONT,
             *objects]
    packed = list(packed or [])
    first_packed = len(plain) + 2  # after the plain objects and the object stream itself
    if packed:
        numbers = list(range(first_packed, first_packed + len(packed)))
        offsets, body = [], b""
        for item in packed:
            offsets.append(len(body))
            body += item + b"\n"
        header = b" ".join(b"%d %d" % pair for pair in zip(numbers, offsets)) + b"\n"
        plain.append(stream(header + body, filters=packed_filters,
                            extra=b"/Type /ObjStm " + packed_dict_extra + b" /N %d /First %d"
                            % (len(packed), len(header))))
    elif object_stream:
        packed = [b""]
        plain.append(object_stream)
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    entries = [(0, 0, 65535)]
    for number, body in enumerate(plain, start=1):
        entries.append((1, len(out), 0))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    objstm_number = len(plain)
    for index in range(len(packed)):
        entries.append((2, objstm_number, index))
    xref_number = len(entries)
    entries.append((1, len(out), 0))
    rows = b"".join(struct.pack(">BIH", *entry) for entry in entries)
    xref_offset = len(out)
    out += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
            % (xref_number, len(entries), len(rows)) + rows + b"\nendstream\nendobj\n")
    out += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)


JS_ACTION = b"<< /Type /Action /S /JavaScript /JS (app.alert\\('hostile'\\)) >>"


def js_open_action_in_hex_object_stream() -> bytes:
    return build(catalog_extra=b"/OpenAction 7 0 R", packed=[JS_ACTION], packed_filters=("ASCIIHexDecode",))


def js_open_action_in_object_stream_with_two_filters() -> bytes:
    return build(catalog_extra=b"/OpenAction 7 0 R", packed=[JS_ACTION],
                 packed_filters=("ASCIIHexDecode", "FlateDecode"))


def js_open_action_with_object_stream_type_far_from_stream() -> bytes:
    padding = b"/Padding (" + b"x" * 4096 + b")"
    return build(catalog_extra=b"/OpenAction 7 0 R", packed=[JS_ACTION], packed_dict_extra=padding)


def file_attachment_without_embedded_file_type() -> bytes:
    executable = b"MZ\x90\x00" + b"\x00" * 60 + b"This program cannot be run in DOS mode."
    annotation = (b"<< /Type /Annot /Subtype /FileAttachment /Rect [72 600 92 620] /Name /PushPin "
                  b"/FS << /Type /Filespec /F (scores.pdf.exe) /UF (scores.pdf.exe) /EF << /F 6 0 R >> >> >>")
    return build(page_extra=b"/Annots [" + annotation + b"]", objects=[stream(executable, filters=("FlateDecode",))])


def inflating_to(size_mib: int, prefix: bytes = b"") -> bytes:
    """A valid zlib stream of `prefix` and `size_mib` MiB of spaces, made without compressing them all: after a
    full flush the compressor forgets what it saw, so every further MiB compresses to the same
    bytes, and the checksum is computed over the spaces directly."""
    block = b" " * (1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    checksum = zlib.adler32(prefix)
    for _ in range(size_mib):
        checksum = zlib.adler32(block, checksum)
    return (b"\x78\xda" + start + repeated * size_mib + compressor.flush(zlib.Z_FINISH)
            + struct.pack(">I", checksum))


def compression_bomb(size_mib: int = 2048) -> bytes:
    """A page whose content stream is Flate twice over: a few kilobytes that inflate to
    `size_mib` MiB (2 GiB by default) of spaces."""
    outer = zlib.compress(inflating_to(size_mib), 9)
    contents = (b"<< /Filter [/FlateDecode /FlateDecode] /Length %d >>\nstream\n" % len(outer)
                + outer + b"\nendstream")
    return build(contents=contents)


def bomb_in_object_stream(size_mib: int = 1024) -> bytes:
    """The catalog's OpenAction lives in an object stream that inflates to `size_mib` MiB: the
    action, then spaces."""
    header = b"7 0\n"
    packed = zlib.compress(inflating_to(size_mib, prefix=header + b"<< /S /GoTo /D [3 0 R /Fit] >>"), 9)
    objstm = (b"<< /Type /ObjStm /N 1 /First %d /Filter [/FlateDecode /FlateDecode] /Length %d >>\nstream\n"
              % (len(header), len(packed)) + packed + b"\nendstream")
    return build(catalog_extra=b"/OpenAction 7 0 R", object_stream=objstm)


def link_to(uri: bytes) -> bytes:
    annotation = b"<< /Type /Annot /Subtype /Link /Rect [72 600 300 620] /A << /S /URI /URI (" + uri + b") >> >>"
    return build(page_extra=b"/Annots [" + annotation + b"]")


def with_action(action: bytes) -> bytes:
    return build(catalog_extra=b"/OpenAction " + action)


def with_xfa_form() -> bytes:
    xfa = stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'><script>xfa.host.messageBox(1)</script></xdp:xdp>")
    return build(catalog_extra=b"/AcroForm << /Fields [] /XFA 6 0 R >>", objects=[xfa])


def lzw_compressed() -> bytes:
    """A page whose content stream claims LZW compression (qpdf cannot cap what LZW inflates to)."""
    return build(contents=b"<< /Filter /LZWDecode /Length 5 >>\nstream\n\x80\x0b\x60\x50\x22\nendstream")


def encrypted(*, user_password: str, extra_catalog: dict | None = None) -> bytes:
    """A PDF written by pikepdf with AES-256 encryption; `extra_catalog` entries are added to the
    catalog first (as pikepdf objects)."""
    import io

    import pikepdf

    document = pikepdf.open(io.BytesIO(build()))
    for key, value in (extra_catalog or {}).items():
        document.Root[key] = value
    out = io.BytesIO()
    document.save(out, encryption=pikepdf.Encryption(owner="owner-secret", user=user_password, aes=True, R=6))
    return out.getvalue()


def written_by_a_real_writer(**catalog) -> bytes:
    """A PDF as a modern writer saves it: object streams, a cross-reference stream, compressed
    content (qpdf, through pikepdf)."""
    import io

    import pikepdf

    document = pikepdf.open(io.BytesIO(build()))
    for key, value in catalog.items():
        document.Root[key] = value
    out = io.BytesIO()
    document.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)
    return out.getvalue()
