"""The strict YAML reader: refuses what is dangerous, never retypes, never raises."""

from hypothesis import given, settings
from hypothesis import strategies as st

from kb.load.yamlsafe import MAX_FILE_BYTES, parse_bytes


def parse(text: str | bytes):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_bytes(raw, "x.yaml")


def codes(problems):
    return [p.code for p in problems]


def test_scalars_stay_text_whatever_they_look_like():
    doc, problems = parse("a: NO\nb: yes\nc: 010\nd: 2015-01-05\ne: 1:30\nf: on\ng: ~\nh: 1e3\n")
    assert problems == []
    assert doc.data == {"a": "NO", "b": "yes", "c": "010", "d": "2015-01-05", "e": "1:30", "f": "on", "g": "~", "h": "1e3"}


def test_lines_are_remembered_for_values_and_keys():
    doc, _ = parse("a:\n  b:\n    - x\n    - y\nc: z\n")
    assert doc.line_of(("a", "b", 1)) == 4
    assert doc.key_line(("c",)) == 5
    assert doc.line_of(("a", "missing", "deeper")) == 2  # falls back to the nearest ancestor


def test_duplicate_keys_at_any_depth_are_reported_with_both_lines():
    _, problems = parse("a:\n  b: 1\n  c: 2\n  b: 3\n")
    assert [(p.code, p.line) for p in problems] == [("KB004", 4)]
    assert "first at line 2" in problems[0].message


def test_anchor_alias_and_merge_key_are_refused():
    assert codes(parse("a: &x 1\n")[1]) == ["KB005"]
    assert codes(parse("a: *x\n")[1]) == ["KB005"]
    assert codes(parse("a: {b: 1}\nc:\n  <<: {d: 2}\n")[1]) == ["KB005"]


def test_alias_bomb_is_refused_at_once():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9)
    )
    doc, problems = parse(bomb)
    assert doc is None and codes(problems) == ["KB005"]


def test_tags_are_refused():
    for text in ("a: !!python/object/apply:os.system [ls]\n", "a: !!int 5\n", "a: !custom x\n", "!!map {a: 1}\n"):
        doc, problems = parse(text)
        assert doc is None and codes(problems) == ["KB006"], text


def test_byte_order_mark_is_accepted():
    doc, problems = parse(b"\xef\xbb\xbfid: x\n")
    assert problems == [] and doc.data == {"id": "x"}


def test_not_utf8_names_the_line():
    doc, problems = parse(b"a: 1\nb: caf" + "é".encode("latin-1") + b"\n")
    assert doc is None and [(p.code, p.line) for p in problems] == [("KB002", 2)]


def test_empty_and_comment_only_files():
    for text in ("", "   \n\n", "# only a comment\n"):
        assert codes(parse(text)[1]) == ["KB003"]


def test_oversized_file():
    assert codes(parse(b"a: " + b"x" * (MAX_FILE_BYTES + 1))[1]) == ["KB007"]


def test_syntax_errors_give_a_line_and_a_hint():
    _, problems = parse('a: 1\nb: "open\nc: 3\n')
    assert [(p.code, p.line) for p in problems] == [("KB001", 2)]
    assert "close the quote" in problems[0].hint
    _, problems = parse("a:\n\tb: 1\n")
    assert [(p.code, p.line) for p in problems] == [("KB001", 2)]
    assert "tabs" in problems[0].hint


def test_truncated_file():
    _, problems = parse("a:\n  b: [1, 2\n")
    assert codes(problems) == ["KB001"]


def test_top_level_must_be_a_mapping():
    assert codes(parse("- a\n- b\n")[1]) == ["KB008"]
    assert codes(parse("just text\n")[1]) == ["KB008"]
    assert codes(parse("a: 1\n---\nb: 2\n")[1]) == ["KB001"]


def _check_outcome(doc, problems):
    assert (doc is None) or isinstance(doc.data, dict)
    for p in problems:
        assert p.code.startswith("KB") and p.line >= 1 and p.message


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_records_or_clean_errors(raw):
    _check_outcome(*parse_bytes(raw, "fuzz.yaml"))


yaml_like = st.recursive(
    st.one_of(st.text(max_size=12), st.sampled_from(["yes", "NO", "010", "2015-02-30", "&a x", "*a", "!!str", "- ", ": ", "{", "[", "'", '"', "\t"])),
    lambda children: st.one_of(
        st.lists(children, max_size=4).map(lambda xs: "\n".join("- " + x for x in xs)),
        st.dictionaries(st.text("abcdefgh", min_size=1, max_size=4), children, max_size=4).map(
            lambda d: "\n".join(f"{k}: {v}" for k, v in d.items())),
    ),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(yaml_like)
def test_arbitrary_yaml_gives_records_or_clean_errors(text):
    _check_outcome(*parse(text))
