"""Photos: decoded by Pillow, stripped of EXIF and GPS, resized, stored by hash, limited to three."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageCms, ImageDraw

from app.posts import photos
from app.posts.photos import PhotoError, StagedPhoto, process, receive_uploads

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def image_bytes(fmt: str = "JPEG", size=(640, 480), *, mode: str = "RGB", color="orange", **save) -> bytes:
    """A real image made by Pillow, with some detail so that it compresses like a photo."""
    image = Image.new(mode, size, color)
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 40):
        draw.line([(x, 0), (size[0] - x, size[1])], fill="navy", width=3)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def jpeg_with_gps(size=(640, 480), orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {1: "N", 2: (36.0, 17.0, 16.8), 3: "E", 4: (59.0, 36.0, 56.5)}
    data = image_bytes(size=size, exif=exif)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the test photo really has GPS
    return data


def noisy_jpeg(size=(1200, 900)) -> bytes:
    image = Image.effect_noise(size, 100).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=100)
    return buffer.getvalue()


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


@pytest.fixture
def english(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        yield


# --- processing ------------------------------------------------------------------------------


def test_exif_and_gps_are_stripped(app):
    result = process(io.BytesIO(jpeg_with_gps()))
    cleaned = opened(result.data)
    assert cleaned.format == "JPEG"
    assert len(cleaned.getexif()) == 0
    assert not cleaned.getexif().get_ifd(GPS_IFD)
    assert "exif" not in cleaned.info and b"PhoneMaker" not in result.data
    assert len(opened(result.thumb).getexif()) == 0


def test_the_camera_orientation_is_applied_before_it_is_dropped(app):
    result = process(io.BytesIO(jpeg_with_gps(size=(640, 480), orientation=6)))  # "rotate 90°"
    assert (result.width, result.height) == (480, 640)


def test_colour_profiles_are_converted_and_not_kept(app):
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    result = process(io.BytesIO(image_bytes(icc_profile=profile)))
    assert "icc_profile" not in opened(result.data).info


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_photos_become_jpeg(app, fmt):
    result = process(io.BytesIO(image_bytes(fmt)))
    assert result.content_type == "image/jpeg" and opened(result.data).format == "JPEG"


def test_transparent_images_stay_png_with_their_transparency(app):
    result = process(io.BytesIO(image_bytes("PNG", mode="RGBA", color=(255, 0, 0, 0))))
    assert result.content_type == "image/png" and result.extension == "png"
    assert opened(result.data).mode == "RGBA"


def test_large_photos_are_resized_and_thumbnails_have_one_size(app):
    result = process(io.BytesIO(image_bytes(size=(3000, 1000))))
    assert (result.width, result.height) == (2048, 683)
    assert opened(result.thumb).size == (480, 360)


def test_small_photos_are_not_enlarged(app):
    assert process(io.BytesIO(image_bytes(size=(300, 200)))).width == 300


def test_a_text_file_named_jpg_is_refused(app, english):
    with pytest.raises(PhotoError, match="not a photo"):
        process(io.BytesIO(b"This is not a photo, just text renamed to .jpg\n" * 20))


def test_an_image_in_another_format_is_refused(app, english):
    with pytest.raises(PhotoError, match="not a photo"):
        process(io.BytesIO(image_bytes("GIF")))


def test_an_html_file_pretending_to_be_an_image_is_refused(app):
    with pytest.raises(PhotoError):
        process(io.BytesIO(b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>"))


def test_a_truncated_photo_is_refused(app, english):
    data = noisy_jpeg()
    with pytest.raises(PhotoError, match="damaged"):
        process(io.BytesIO(data[: len(data) // 2]))


def test_an_empty_file_is_refused(app, english):
    with pytest.raises(PhotoError, match="empty"):
        process(io.BytesIO(b""))


def test_an_oversize_file_is_refused_before_decoding(app, english):
    app.config["PHOTO_MAX_BYTES"] = 1024 * 1024
    data = noisy_jpeg((1600, 1200))
    assert len(data) > 1024 * 1024
    with pytest.raises(PhotoError, match="larger than 1 MB"):
        process(io.BytesIO(data))


def test_an_image_with_too_many_pixels_is_refused(app, english):
    app.config["PHOTO_MAX_PIXELS"] = 100_000
    with pytest.raises(PhotoError, match="too many pixels"):
        process(io.BytesIO(image_bytes(size=(400, 300))))


def test_messages_are_in_persian_on_persian_pages(app):
    with app.test_request_context(headers={"Cookie": "lang=fa"}), pytest.raises(PhotoError) as error:
        process(io.BytesIO(b"not an image"))
    assert "JPEG" in str(error.value) and "عکس" in str(error.value)


# --- storing and receiving -------------------------------------------------------------------


class Upload:
    """What Flask hands over for a file input."""

    def __init__(self, data: bytes, filename: str = "photo.jpg"):
        self.stream = io.BytesIO(data)
        self.filename = filename


def test_photos_are_stored_under_the_hash_of_their_content(app, make):
    user = make.user()
    with app.test_request_context():
        first, errors = receive_uploads([Upload(jpeg_with_gps())], [], user, room=3)
        again, _errors = receive_uploads([Upload(jpeg_with_gps())], [], user, room=3)
    assert errors == []
    assert first[0].file_key == again[0].file_key
    path = photos.path_of(first[0].file_key)
    assert path.parent.parent == photos.upload_dir() and path.name.startswith(path.parent.name)
    assert len(first[0].file_key) == 64 + len(".jpg")
    assert b"PhoneMaker" not in path.read_bytes()


def test_receiving_reports_each_bad_file_and_keeps_the_good_ones(app, make):
    user = make.user()
    with app.test_request_context():
        staged, errors = receive_uploads(
            [Upload(image_bytes()), Upload(b"plain text", "notes.jpg"), Upload(b"", "")], [], user, room=3
        )
    assert len(staged) == 1
    assert len(errors) == 1 and "notes.jpg" in errors[0]


def test_files_beyond_the_room_are_not_decoded(app, make):
    user = make.user()
    uploads = [Upload(image_bytes(color=color), f"{color}.jpg") for color in ("red", "green", "blue", "white")]
    with app.test_request_context():
        staged, errors = receive_uploads(uploads, [], user, room=3)
    assert len(staged) == 3 and len(errors) == 1 and "white.jpg" in errors[0]


def test_kept_tokens_bring_back_the_same_photos_for_their_owner_only(app, make):
    owner, other = make.user(), make.user()
    with app.test_request_context():
        staged, _errors = receive_uploads([Upload(image_bytes())], [], owner, room=3)
        token = staged[0].token
        assert receive_uploads([], [token], owner, room=3)[0] == staged
        assert receive_uploads([], [token], other, room=3)[0] == []
        assert receive_uploads([], [token[:-2] + "xx", "garbage"], owner, room=3)[0] == []


def test_a_token_for_a_missing_file_is_ignored(app, make):
    user = make.user()
    with app.test_request_context():
        fake = StagedPhoto(user.id, "ab" + "0" * 62 + ".jpg", "ab" + "1" * 62 + ".jpg", "image/jpeg", 10, 10, 10)
        assert receive_uploads([], [fake.token], user, room=3)[0] == []


@pytest.mark.parametrize("key", ["../secret_key.json", "ab/../../x", ".hidden", ""])
def test_keys_cannot_leave_the_upload_folder(app, key):
    with pytest.raises(ValueError):
        photos.path_of(key)


def _flat_png(side: int, shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (side, side), (120, 130, shade)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def test_a_posts_photos_share_one_pixel_budget_and_the_rest_are_refused_before_decoding(app, make):
    app.config["PHOTO_PIXEL_BUDGET"] = 1_000_000
    user = make.user()
    uploads = [Upload(_flat_png(800, shade), f"big{shade}.png") for shade in (10, 100, 200)]  # 640,000 px each
    with app.test_request_context():
        staged, errors = receive_uploads(uploads, [], user, room=3)
    assert len(staged) == 1 and len(errors) == 2
    assert all("big" in message for message in errors)


def test_three_huge_flat_pngs_cost_one_decode_at_the_default_budget(app, make):
    user = make.user()
    uploads = [Upload(_flat_png(6300, shade), f"huge{shade}.png") for shade in (10, 100, 200)]
    assert all(len(upload.stream.getvalue()) < 400_000 for upload in uploads)  # small files, 40 MP each
    with app.test_request_context():
        staged, errors = receive_uploads(uploads, [], user, room=3)
    assert len(staged) == 1 and len(errors) == 2


def test_a_large_jpeg_is_decoded_at_a_reduced_scale_and_spends_only_that(app):
    budget = photos.PixelBudget(10_000_000)
    with app.test_request_context():
        result = process(io.BytesIO(image_bytes(size=(6000, 4500))), budget)
    assert result.width == 2048
    assert budget.left == 10_000_000 - 3000 * 2250  # decoded at half size, still larger than 2048 px
