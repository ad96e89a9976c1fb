"""Email actions in journey files: long and short forms, located errors, the JSON Schema."""

from __future__ import annotations

from journeyaudit.gather import mailbox
from journeyaudit.spec import journey
from journeyaudit.spec.journey import load_journey
from tests.unit.test_journey import errors_of, one_action, write


def test_email_actions_short_and_long_forms(tmp_path):
    path = write(
        tmp_path,
        """
        name: Mail
        steps:
          - name: Sign up
            role: other
            actions:
              - fill: {selector: "#email", value: "{inbox}"}
              - trigger_mailing: /jobs/newsletter
              - trigger_mailing: {}
          - name: Newsletter
            role: email
            actions:
              - wait_for_email: Brew notes
              - wait_for_email: {subject: Brew, body: cold brew, sender: news@, timeout_ms: 5000}
              - expect_emails: {subject: Brew, count: 1, settle_ms: 2000}
              - expect_email_header: {header: List-Unsubscribe-Post, contains: One-Click}
              - follow_email_link: Unsubscribe
              - follow_email_link: {link: "**/unsubscribe*", subject: Brew}
              - watch_inbox: 3000
              - watch_inbox: {ms: 1000}
        """,
    )
    loaded = load_journey(path, {})
    actions = [(a.name, a.params) for s in loaded.steps for a in s.actions]
    assert actions[1:] == [
        ("trigger_mailing", {"url": "/jobs/newsletter"}),
        ("trigger_mailing", {}),
        ("wait_for_email", {"subject": "Brew notes"}),
        ("wait_for_email", {"subject": "Brew", "body": "cold brew", "sender": "news@", "timeout_ms": 5000}),
        ("expect_emails", {"subject": "Brew", "count": 1, "settle_ms": 2000}),
        ("expect_email_header", {"header": "List-Unsubscribe-Post", "contains": "One-Click"}),
        ("follow_email_link", {"link": "Unsubscribe"}),
        ("follow_email_link", {"link": "**/unsubscribe*", "subject": "Brew"}),
        ("watch_inbox", {"ms": 3000}),
        ("watch_inbox", {"ms": 1000}),
    ]
    assert mailbox.uses_inbox(loaded)
    assert loaded.steps[0].actions[0].describe() == "fill selector=#email value={inbox}"


def test_email_action_errors_are_located(tmp_path):
    assert errors_of(one_action(tmp_path, "expect_emails: {subject: Brew}")) == [
        f"{tmp_path}/j.yaml:6:24: expect_emails is missing 'count'"
    ]
    assert errors_of(one_action(tmp_path, "watch_inbox: soon")) == [
        f"{tmp_path}/j.yaml:6:22: 'watch_inbox' must be a number of milliseconds or a mapping, got 'soon'"
    ]
    assert errors_of(one_action(tmp_path, "wait_for_email: {subjet: Brew}")) == [
        f"{tmp_path}/j.yaml:6:26: unknown key 'subjet' in wait_for_email (allowed: subject, body, sender, timeout_ms)"
    ]
    assert errors_of(one_action(tmp_path, "wait_for_mail: Brew")) == [
        f"{tmp_path}/j.yaml:6:9: unknown action 'wait_for_mail' (did you mean 'wait_for_email'?)"
    ]
    assert errors_of(one_action(tmp_path, "trigger_mailing: {url: /x, method: PUT}")) == [
        f"{tmp_path}/j.yaml:6:44: 'method' must be one of GET, POST, got 'PUT'"
    ]


def test_schema_lists_the_email_actions():
    text = journey.schema_text(journey.json_schema())
    for name in mailbox.EMAIL_ACTIONS:
        assert f'"{name}"' in text


def test_a_journey_without_mail_does_not_use_an_inbox(tmp_path):
    loaded = load_journey(one_action(tmp_path, "goto: /"), {})
    assert not mailbox.uses_inbox(loaded)
