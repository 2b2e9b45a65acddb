import pytest
from django.core.exceptions import ImproperlyConfigured

from sanfuwu.env import env_bool, env_int, env_list


def test_it_reads_booleans(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG", True) is False


def test_it_fails_loudly_on_a_boolean_it_cannot_read(monkeypatch):
    monkeypatch.setenv("X_FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG", False)


def test_it_fails_loudly_on_a_bad_integer(monkeypatch):
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_NUM"):
        env_int("X_NUM", 1)


def test_it_uses_defaults_when_unset(monkeypatch):
    monkeypatch.delenv("X_LIST", raising=False)
    assert env_list("X_LIST", ["a"]) == ["a"]
    monkeypatch.setenv("X_LIST", "a.example, b.example,")
    assert env_list("X_LIST", []) == ["a.example", "b.example"]


def test_the_demo_defaults_are_safe(monkeypatch, tmp_path):
    import importlib

    import sanfuwu.settings

    for name in ["SANFUWU_DEBUG", "SANFUWU_ALLOWED_HOSTS", "SANFUWU_SECRET_KEY"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SANFUWU_VAR_DIR", str(tmp_path))
    fresh = importlib.reload(sanfuwu.settings)
    assert fresh.DEBUG is False
    assert "*" not in fresh.ALLOWED_HOSTS
    assert len(fresh.SECRET_KEY) >= 40
    assert (tmp_path / "secret_key").read_text().strip() == fresh.SECRET_KEY
    assert importlib.reload(sanfuwu.settings).SECRET_KEY == fresh.SECRET_KEY  # kept, not regenerated
