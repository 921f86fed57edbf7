"""CI fails on a breaking change of the schema against the previous release unless it is listed as intended."""

from __future__ import annotations

from app.__main__ import SCHEMA_PATH, main
from app.api.breaking_changes import RELEASE_SCHEMA, intended_changes, unlisted_breaking_changes

RELEASE = """type Query { centre(code: String!): Centre  centres: [Centre!]! }
type Centre { name: String!  address: String }"""


def test_the_schema_breaks_nothing_unlisted_against_the_previous_release():
    release = RELEASE_SCHEMA.read_text(encoding="utf-8")
    unlisted = unlisted_breaking_changes(release, SCHEMA_PATH.read_text(encoding="utf-8"), intended_changes())
    assert not unlisted, "list intended breaking changes in contract/intended-breaking-changes.txt:\n" + "\n".join(
        unlisted
    )


def test_a_removed_field_or_a_changed_type_breaks_unless_listed():
    current = """type Query { centre(code: String!): Centre  centres: [Centre] }
type Centre { name: String! }"""
    assert unlisted_breaking_changes(RELEASE, current, set()) == [
        "FIELD_CHANGED_KIND: Field Query.centres changed type from [Centre!]! to [Centre].",
        "FIELD_REMOVED: Field Centre.address was removed.",
    ]
    assert unlisted_breaking_changes(RELEASE, current, {"Field Centre.address was removed."}) == [
        "FIELD_CHANGED_KIND: Field Query.centres changed type from [Centre!]! to [Centre]."
    ]


def test_additions_do_not_break():
    current = RELEASE.replace("address: String", "address: String  phone: String")
    assert unlisted_breaking_changes(RELEASE, current, set()) == []


def test_the_command_passes_on_the_committed_schema(capsys):
    assert main(["check-breaking-changes"]) == 0
    assert "No unlisted breaking change" in capsys.readouterr().out


def test_comments_and_blank_lines_are_not_listed_changes(tmp_path):
    listed = tmp_path / "intended.txt"
    listed.write_text("# a comment\n\nType Foo was removed.\n", encoding="utf-8")
    assert intended_changes(listed) == {"Type Foo was removed."}
