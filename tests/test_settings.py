"""Tests for assistant/core/settings.py and assistant/adapters/settings_file.py: lenient
reading, clamping, TOML round trip, atomic writes."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.adapters.settings_file import (
    CONFIG_ENV,
    default_path,
    load_settings,
    save_settings,
    spoken_warning,
    to_toml,
)
from assistant.core.errors import UserError
from assistant.core.settings import (
    RATE_MAX,
    RATE_MIN,
    SPEECH_OUTPUTS,
    VOLUME_MAX,
    VOLUME_MIN,
    Settings,
    parse_settings,
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- where the file lives -------------------------------------------------------------------


def test_env_variable_overrides_the_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path / "mine.toml"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert default_path() == tmp_path / "mine.toml"


def test_xdg_config_home_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert default_path() == tmp_path / "therapy-assistant" / "settings.toml"


def test_relative_xdg_config_home_is_ignored(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/folder")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_path() == tmp_path / ".config" / "therapy-assistant" / "settings.toml"


def test_home_config_folder_without_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_path() == tmp_path / ".config" / "therapy-assistant" / "settings.toml"


def test_load_and_save_use_the_env_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    target = tmp_path / "from-env.toml"
    monkeypatch.setenv(CONFIG_ENV, str(target))
    save_settings(Settings(rate=200))
    assert target.exists()
    assert load_settings() == (Settings(rate=200), None)


# --- reading ---------------------------------------------------------------------------------


def test_missing_file_gives_defaults_without_warning(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "absent.toml") == (Settings(), None)


def test_valid_file_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path / "s.toml",
        'rate = 150\nvoice = "gmw/en-us"\nvolume = 0.6\nearcons = false\n'
        'no_speech_timeout = 0\nend_silence = 1.5\ndevice = "USB Mic"\nspeech = "natural"\n',
    )
    settings, warning = load_settings(path)
    assert warning is None
    assert settings == Settings(
        rate=150,
        voice="gmw/en-us",
        volume=0.6,
        earcons=False,
        no_speech_timeout=0.0,
        end_silence=1.5,
        device="USB Mic",
        speech="natural",
    )


def test_device_may_be_an_index(tmp_path: Path) -> None:
    settings, warning = load_settings(write(tmp_path / "s.toml", "device = 3\n"))
    assert (settings.device, warning) == (3, None)


def test_corrupt_file_gives_defaults_and_one_line_warning(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", "rate = = 150\n[[[\n")
    settings, warning = load_settings(path)
    assert settings == Settings()
    assert warning is not None
    assert "\n" not in warning
    assert str(path) in warning
    assert "not valid TOML" in warning


def test_the_spoken_warning_leaves_out_the_path(tmp_path: Path) -> None:
    for path in (write(tmp_path / "s.toml", "rate = = 150\n"), tmp_path):
        _, warning = load_settings(path)
        assert warning is not None
        spoken = spoken_warning(warning, path)
        assert str(path) not in spoken and spoken.startswith(("Settings file", "Cannot read"))
        assert spoken.endswith(warning.split(str(path), 1)[1])  # the rest word for word


def test_corrupt_file_is_not_rewritten_by_loading(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", "rate = = 150\n")
    before = path.read_bytes()
    load_settings(path)
    assert path.read_bytes() == before


def test_file_that_is_not_utf8_gives_defaults_and_warning(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_bytes(b'voice = "\xff\xfe"\n')
    settings, warning = load_settings(path)
    assert settings == Settings()
    assert warning is not None and "UTF-8" in warning


def test_unreadable_path_gives_defaults_and_warning(tmp_path: Path) -> None:
    folder = tmp_path / "s.toml"
    folder.mkdir()
    settings, warning = load_settings(folder)
    assert settings == Settings()
    assert warning is not None and "Cannot read" in warning and "\n" not in warning


def test_unknown_key_is_ignored_with_warning(tmp_path: Path) -> None:
    settings, warning = load_settings(write(tmp_path / "s.toml", "rate = 200\ncolour = 'blue'\n"))
    assert settings == Settings(rate=200)
    assert warning is not None and "unknown key 'colour'" in warning


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rate = 500", Settings(rate=RATE_MAX)),
        ("rate = 20", Settings(rate=RATE_MIN)),
        ("volume = 3.5", Settings(volume=VOLUME_MAX)),
        ("volume = 0.0", Settings(volume=VOLUME_MIN)),
        ("no_speech_timeout = -4", Settings(no_speech_timeout=0.0)),
        ("no_speech_timeout = 99999", Settings(no_speech_timeout=3600.0)),
        ("end_silence = 0.01", Settings(end_silence=0.2)),
        ("end_silence = 60", Settings(end_silence=5.0)),
    ],
)
def test_out_of_range_values_are_clamped_with_warning(
    tmp_path: Path, text: str, expected: Settings
) -> None:
    settings, warning = load_settings(write(tmp_path / "s.toml", text + "\n"))
    assert settings == expected
    assert warning is not None and "using" in warning


@pytest.mark.parametrize(
    "text",
    [
        'rate = "fast"',
        "rate = true",
        "rate = nan",
        "volume = inf",
        'earcons = "yes"',
        "voice = 12",
        "device = -1",
        "device = 1.5",
        "no_speech_timeout = [1, 2]",
        'speech = "espeak"',
        "speech = 1",
    ],
)
def test_wrong_type_falls_back_to_the_default_with_warning(tmp_path: Path, text: str) -> None:
    settings, warning = load_settings(write(tmp_path / "s.toml", text + "\n"))
    assert settings == Settings()
    assert warning is not None and text.split()[0] in warning


def test_other_keys_survive_one_bad_value(tmp_path: Path) -> None:
    settings, warning = load_settings(write(tmp_path / "s.toml", 'rate = "x"\nvolume = 0.4\n'))
    assert settings == Settings(volume=0.4)
    assert warning is not None


def test_whole_number_float_rate_is_accepted() -> None:
    settings, problems = parse_settings(b"rate = 150.0\n")
    assert (settings.rate, problems) == (150, [])
    assert isinstance(settings.rate, int)


@pytest.mark.parametrize("name", SPEECH_OUTPUTS)
def test_each_speech_output_is_a_valid_setting(name: str) -> None:
    settings, problems = parse_settings(f'speech = "{name}"\n'.encode())
    assert (settings.speech, problems) == (name, [])


def test_a_wrong_speech_output_names_the_choices() -> None:
    settings, problems = parse_settings(b'speech = "espeak"\n')
    assert settings.speech is None
    assert problems == [
        "speech must be one of pyttsx3, speech-dispatcher, natural, using the default"
    ]


def test_empty_voice_means_default_voice() -> None:
    settings, problems = parse_settings(b'voice = "  "\n')
    assert (settings.voice, problems) == (None, [])


# --- writing ---------------------------------------------------------------------------------


def test_written_text_is_valid_toml_with_every_set_key() -> None:
    text = to_toml(Settings(voice="gmw/en-us", device=2, speech="speech-dispatcher"))
    table = tomllib.loads(text)
    assert table == {
        "rate": 175,
        "voice": "gmw/en-us",
        "volume": 1.0,
        "earcons": True,
        "no_speech_timeout": 10.0,
        "end_silence": 1.2,
        "device": 2,
        "safety_check": True,
        "speech": "speech-dispatcher",
    }


def test_none_values_are_left_out() -> None:
    table = tomllib.loads(to_toml(Settings()))
    assert "voice" not in table and "device" not in table and "speech" not in table


def test_round_trip_of_defaults(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    save_settings(Settings(), path)
    assert load_settings(path) == (Settings(), None)


def test_round_trip_of_awkward_text(tmp_path: Path) -> None:
    awkward = 'a "quoted" \\ back\tslash\nnew line \x7f é 日本'
    path = tmp_path / "s.toml"
    save_settings(Settings(voice=awkward, device=awkward), path)
    assert load_settings(path) == (Settings(voice=awkward, device=awkward), None)


_text = st.text(min_size=1).filter(lambda t: t.strip() == t and t != "")


@given(
    rate=st.integers(RATE_MIN, RATE_MAX),
    voice=st.none() | _text,
    volume=st.floats(VOLUME_MIN, VOLUME_MAX),
    earcons=st.booleans(),
    timeout=st.floats(0.0, 3600.0),
    end_silence=st.floats(0.2, 5.0),
    device=st.none() | _text | st.integers(0, 10_000),
    speech=st.none() | st.sampled_from(SPEECH_OUTPUTS),
)
def test_round_trip_of_any_valid_settings(
    rate: int,
    voice: str | None,
    volume: float,
    earcons: bool,
    timeout: float,
    end_silence: float,
    device: str | int | None,
    speech: str | None,
) -> None:
    settings = Settings(rate, voice, volume, earcons, timeout, end_silence, device, speech=speech)
    parsed, problems = parse_settings(to_toml(settings).encode("utf-8"))
    assert problems == []
    assert parsed == settings


def test_save_creates_missing_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "settings.toml"
    save_settings(Settings(rate=125), path)
    assert load_settings(path)[0].rate == 125


def test_save_replaces_the_file_rather_than_rewriting_it(tmp_path: Path) -> None:
    # An open reader keeps the complete old file: the new one arrives by rename, not in place.
    path = tmp_path / "s.toml"
    save_settings(Settings(rate=125), path)
    with path.open("rb") as old:
        save_settings(Settings(rate=250), path)
        assert tomllib.loads(old.read().decode())["rate"] == 125
    assert load_settings(path)[0].rate == 250


def test_save_leaves_no_temporary_files(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    save_settings(Settings(), path)
    save_settings(replace(Settings(), rate=200), path)
    assert [p.name for p in tmp_path.iterdir()] == ["s.toml"]


def test_failed_save_raises_user_error_and_cleans_up(tmp_path: Path) -> None:
    # A folder where the file should be makes the final rename fail for real.
    target = tmp_path / "s.toml"
    target.mkdir()
    with pytest.raises(UserError) as caught:
        save_settings(Settings(), target)
    assert str(target) in caught.value.message
    assert "\n" not in caught.value.message
    assert [p.name for p in tmp_path.iterdir()] == ["s.toml"]
    assert list(target.iterdir()) == []


def test_save_into_a_file_instead_of_a_folder_raises_user_error(tmp_path: Path) -> None:
    blocker = write(tmp_path / "not-a-folder", "x")
    with pytest.raises(UserError):
        save_settings(Settings(), blocker / "settings.toml")


def test_corrupt_file_is_replaced_once_a_setting_is_saved(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", "rate = = 150\n")
    settings, _ = load_settings(path)
    save_settings(replace(settings, rate=150), path)
    assert load_settings(path) == (Settings(rate=150), None)


def test_float_values_keep_their_exact_value() -> None:
    settings = Settings(volume=0.6000000000000001, end_silence=1e-1 * 3)
    parsed, _ = parse_settings(to_toml(settings).encode())
    assert parsed.volume == settings.volume
    assert parsed.end_silence == settings.end_silence
