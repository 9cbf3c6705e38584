"""Production refuses to start with settings that are only safe in development, naming them."""
import pytest

import config
from reviewapp import create_app


@pytest.fixture
def production(monkeypatch):
    """ProductionConfig as a correct deployment sets it; each test spoils one setting."""
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", "x" * 64)
    monkeypatch.setattr(config.ProductionConfig, "PUBLIC_BASE_URL", "https://cases.example.gov.cn")
    monkeypatch.setattr(config.ProductionConfig, "MAIL_BACKEND", "smtp")
    return monkeypatch


def test_a_correct_production_configuration_starts(production, tmp_path):
    app = create_app("production", INSTANCE_DIR=tmp_path)
    assert app.config["PUBLIC_BASE_URL"] == "https://cases.example.gov.cn"


@pytest.mark.parametrize("url", ["", "http://localhost:5000", "http://127.0.0.1:8000", "cases.example.gov.cn"])
def test_without_a_public_base_url_it_refuses_to_start(production, url):
    production.setattr(config.ProductionConfig, "PUBLIC_BASE_URL", url)
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL must be set in production"):
        create_app("production")


def test_with_the_development_outbox_it_refuses_to_start(production):
    production.setattr(config.ProductionConfig, "MAIL_BACKEND", "outbox")
    with pytest.raises(RuntimeError, match="MAIL_BACKEND is 'outbox'.*MAIL_BACKEND=smtp"):
        create_app("production")


def test_settings_given_to_create_app_are_checked_too(production):
    with pytest.raises(RuntimeError, match="MAIL_BACKEND"):
        create_app("production", MAIL_BACKEND="outbox")


def test_the_process_refuses_to_start_from_the_environment_alone(tmp_path):
    """As gunicorn would start it: REVIEWAPP_CONFIG=production and no PUBLIC_BASE_URL (the
    development default of localhost does not apply in production)."""
    import os
    import subprocess
    import sys
    env = {key: value for key, value in os.environ.items() if key not in ("PUBLIC_BASE_URL", "MAIL_BACKEND")}
    env.update(REVIEWAPP_CONFIG="production", SECRET_KEY="x" * 64, MAIL_BACKEND="smtp",
               REVIEWAPP_INSTANCE=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", "import wsgi"], env=env, capture_output=True, text=True,
                            cwd=config.BASE_DIR, timeout=60)
    assert result.returncode != 0 and "PUBLIC_BASE_URL must be set in production" in result.stderr
    env["PUBLIC_BASE_URL"] = "https://cases.example.gov.cn"
    result = subprocess.run([sys.executable, "-c", "import wsgi"], env=env, capture_output=True, text=True,
                            cwd=config.BASE_DIR, timeout=60)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("memory, time, lanes", [(19456, 1, 1), (16384, 2, 1), (1024, 1, 1), (65536, 3, 0)])
def test_argon2_costs_below_owasps_minimum_are_refused(production, memory, time, lanes):
    production.setattr(config.ProductionConfig, "ARGON2_MEMORY_COST", memory)
    production.setattr(config.ProductionConfig, "ARGON2_TIME_COST", time)
    production.setattr(config.ProductionConfig, "ARGON2_PARALLELISM", lanes)
    with pytest.raises(RuntimeError, match="below OWASP's minimum for Argon2id"):
        create_app("production")


@pytest.mark.parametrize("memory, time", [(19456, 2), (12288, 3), (47104, 1), (65536, 3)])
def test_argon2_costs_at_or_above_owasps_minimum_start(production, tmp_path, memory, time):
    production.setattr(config.ProductionConfig, "ARGON2_MEMORY_COST", memory)
    production.setattr(config.ProductionConfig, "ARGON2_TIME_COST", time)
    app = create_app("production", INSTANCE_DIR=tmp_path)
    assert (app.config["ARGON2_MEMORY_COST"], app.config["ARGON2_TIME_COST"]) == (memory, time)


def test_production_defaults_are_owasps_first_recommendation(production, tmp_path):
    app = create_app("production", INSTANCE_DIR=tmp_path)
    assert [app.config[f"ARGON2_{n}"] for n in ("MEMORY_COST", "TIME_COST", "PARALLELISM")] == [19456, 2, 1]
