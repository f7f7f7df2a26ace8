import hashlib

import pytest

from events.domain.errors import ValidationError
from ingest.documents import MAX_BYTES, read


def test_utf8_text_is_read_and_hashed_as_its_bytes():
    data = "India joined on 9 June 2017.\r\nIt’s done.".encode()
    document = read(data, "a.txt")
    assert document.text == "India joined on 9 June 2017.\nIt’s done."
    assert document.content_hash == hashlib.sha256(data).hexdigest() and document.encoding == "utf-8"


def test_non_utf8_text_is_decoded_not_refused():
    document = read("Türkiye – observer".encode("cp1252"), "b.txt")
    assert document.text == "Türkiye – observer" and document.encoding == "cp1252"


def test_utf16_with_a_byte_order_mark_is_read():
    assert read("Iran joined.".encode("utf-16"), "c.txt").text == "Iran joined."


def test_html_is_reduced_to_its_visible_text():
    page = b"<html><head><style>p{}</style><script>var x=1;</script></head><body><p>India &amp; Pakistan</p><p>joined.</p></body></html>"
    document = read(page, "d.html")
    assert document.html and document.text.split() == ["India", "&", "Pakistan", "joined."]
    assert "var x" not in document.text


def test_non_breaking_spaces_and_control_characters_are_normalised():
    assert read("MARCH\u00a017 2016\x07 ok".encode(), "e.txt").text == "MARCH 17 2016 ok"


@pytest.mark.parametrize("data", [b"", b"   \n\t"])
def test_empty_input_is_refused_with_a_message(data):
    with pytest.raises(ValidationError, match="empty") as refused:
        read(data, "empty.txt")
    assert "file" in refused.value.errors


def test_binary_input_is_refused():
    with pytest.raises(ValidationError, match="binary"):
        read(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "picture.png")


def test_input_over_ten_megabytes_is_refused_with_the_limit_named():
    with pytest.raises(ValidationError, match="limit is 10 MB"):
        read(b"a" * (MAX_BYTES + 1), "big.txt")


def test_markup_with_no_text_is_refused():
    with pytest.raises(ValidationError, match="no text"):
        read(b"<html><body><script>x</script></body></html>", "blank.html")
