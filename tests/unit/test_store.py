"""Traces on disk: round trip, atomic writes, and secrets that never reach disk."""

from __future__ import annotations

from journeyaudit import model
from journeyaudit.history import store


def _run_with_secret(secret: str) -> model.Run:
    step = model.StepRecord(
        index=1,
        name="Payment",
        role="payment",
        url=f"https://shop.example/pay?card={secret.replace(' ', '')}",
        visible_text=f"Card {secret} accepted",
        html=f'<input value="{secret.replace(" ", "-")}">',
        console=[model.ConsoleMessage("error", f"bad card {secret}")],
        network=[model.NetworkEntry("POST", "https://shop.example/api", "fetch", 200)],
    )
    return model.Run("pay", "Pay", "journeys/pay.yaml", "https://shop.example", steps=[step])


def test_round_trip_keeps_everything(tmp_path):
    run = _run_with_secret("nothing secret")
    run.steps[0].fields = [model.FormField(tag="input", type="email", name="email", label="Email", required=True)]
    run.steps[0].structured_data = [{"@type": "Product", "offers": {"price": "39.90"}}]
    store.save_run(run, tmp_path)
    loaded = store.load_run(tmp_path)
    assert loaded.steps[0].html == run.steps[0].html
    assert loaded.steps[0].fields[0].label == "Email"
    assert loaded.steps[0].structured_data == run.steps[0].structured_data
    assert loaded.steps[0].network[0].status == 200
    assert loaded.journey_id == "pay"


def test_secret_and_its_spacing_variants_never_reach_disk(tmp_path):
    secret = "4242 4242 4242 4242"
    run = _run_with_secret(secret)
    store.save_run(run, tmp_path, store.Redactor([secret]))
    written = b"".join(path.read_bytes() for path in tmp_path.iterdir())
    for variant in ("4242 4242 4242 4242", "4242424242424242", "4242-4242-4242-4242"):
        assert variant.encode() not in written
    assert b"[redacted]" in written


def test_redactor_leaves_other_text_alone():
    redactor = store.Redactor(["hunter22"])
    assert redactor.text("password hunter22, total 4242") == "password [redacted], total 4242"
    # without secrets it still masks credential parameters, and leaves everything else alone
    assert store.Redactor([]).text("x ?page=2&keyword=shoes") == "x ?page=2&keyword=shoes"


def test_atomic_write_leaves_no_temporary_files(tmp_path):
    store.write_json(tmp_path / "result.json", {"a": 1})
    store.write_json(tmp_path / "result.json", {"a": 2})
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]
    assert '"a": 2' in (tmp_path / "result.json").read_text()


def test_result_round_trip(tmp_path):
    result = model.Result(audit="demo", base_url="http://x", fail_on="high")
    result.findings.append(model.Finding(code="JA101", severity="critical", journey="j", step=2, message="m",
                                         evidence=[model.Evidence("text", "label", "value", 2)]))
    store.save_result(result, tmp_path / "result.json")
    loaded = store.load_result(tmp_path / "result.json")
    assert loaded.findings[0].evidence[0].value == "value"
    assert loaded.failing() == loaded.findings
    assert loaded.counts()["critical"] == 1


def test_short_numeric_secret_is_redacted_only_as_a_whole_number():
    redactor = store.Redactor(["123"])
    assert redactor.text("CVC 123, order KC-10123, 1234") == "CVC [redacted], order KC-10123, 1234"
