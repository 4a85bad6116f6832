"""Static files are named by their content and cached by browsers for a year under that name."""

from __future__ import annotations

import re
from pathlib import Path

from flask import url_for

from app.core import static_files


def test_pages_name_their_styles_and_scripts_by_content_and_browsers_keep_them(client):
    page = client.get("/").get_data(as_text=True)
    # Every static address a page names, also those its script loads later (Leaflet on map pages).
    addresses = re.findall(r'(?:href|src|data-[a-z-]+)="(/static/[^"]+)"', page)
    assert len(addresses) >= 9, addresses
    assert all(re.search(r"\?v=[0-9a-f]{12}$", address) for address in addresses), addresses
    assert {"leaflet.css", "leaflet.js", "map.js"} <= {address.split("?")[0].rsplit("/", 1)[1] for address in addresses}
    response = client.get(addresses[0])
    assert response.status_code == 200 and response.headers["Cache-Control"] == "public, max-age=31536000"
    response.close()
    unversioned = client.get(addresses[0].split("?")[0])  # an address without its version: revalidated
    assert unversioned.status_code == 200 and "max-age=31536000" not in unversioned.headers["Cache-Control"]
    unversioned.close()


def test_a_changed_file_gets_a_new_address(tmp_path):
    (tmp_path / "css").mkdir()
    sheet = tmp_path / "css" / "site.css"
    sheet.write_text("body { color: black }")
    first = static_files.version_of(str(tmp_path), "css/site.css")
    assert first == static_files.version_of(str(tmp_path), "css/site.css")
    sheet.write_text("body { color: navy; }")
    assert static_files.version_of(str(tmp_path), "css/site.css") not in (None, first)
    assert static_files.version_of(str(tmp_path), "css/missing.css") is None
    outside = tmp_path.parent / "secret.txt"
    outside.write_text("x")
    assert static_files.version_of(str(tmp_path), "../secret.txt") is None


def test_only_the_static_files_get_a_version(app):
    with app.test_request_context():
        assert "?v=" not in url_for("posts.index") and "?v=" not in url_for("static", filename="no/such.css")


def test_the_style_sheet_names_its_fonts_and_images_by_content(app):
    """The style sheet's own address changes with it, but the files it names are fetched by the
    addresses written in it: each carries its file's version, or browsers would ask again on every
    page (the web font did, on every page of every visitor)."""
    folder = Path(app.static_folder)
    sheet = (folder / "css" / "app.css").read_text()
    named = re.findall(r'url\("?([^")]+)"?\)', sheet)
    assert named, "the style sheet names no file"
    for address in named:
        path, _, version = address.partition("?v=")
        target = (folder / "css" / path).resolve().relative_to(folder.resolve())
        assert version == static_files.version_of(str(folder), str(target)), (
            address,
            "needs ?v=" + str(static_files.version_of(str(folder), str(target))),
        )


def test_a_signed_in_page_names_the_same_versioned_addresses(client, auth, make):
    """The addresses do not depend on who reads: a signed-out page (kept in the page cache) and a
    signed-in one name the same versioned files, the ones a map page loads included."""
    static = r'(?:href|src|data-[a-z-]+)="(/static/[^"]+)"'
    signed_out = set(re.findall(static, client.get("/").get_data(as_text=True)))
    auth.login(make.user())
    signed_in = set(re.findall(static, client.get("/").get_data(as_text=True)))
    assert signed_in == signed_out and all(re.search(r"\?v=[0-9a-f]{12}$", address) for address in signed_in)
