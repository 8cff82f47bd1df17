"""Telling the other side what happened in a placement, through the outbox.

A notification names the person as its reader may see them, worded when it is shown
(privacy.naming): a company reads the pseudonym until consent is recorded, then the name; a
consultant reads the name, the job and the company. No name is stored in the notification.
"""

from __future__ import annotations

from marketplace.i18n import lazy_gettext as _l
from marketplace.notifications.kinds import Kind, register_kind
from marketplace.notifications.links import subject_link

for _name, _subject, _summary in (
    (
        "praktik_proposed",
        _l("%(by)s proposes a praktik agreement: %(label)s"),
        _l("Read the agreement, then accept it or ask for changes."),
    ),
    (
        "paid_proposed",
        _l("%(by)s offers paid hours: %(label)s"),
        _l("Talk with the person, then confirm or decline the paid hours."),
    ),
    (
        "praktik_accepted",
        _l("%(by)s accepted the praktik agreement: %(label)s"),
        _l("The agreement is now part of the placement's terms."),
    ),
    (
        "paid_accepted",
        _l("%(by)s confirmed the paid hours: %(label)s"),
        _l("The paid hours are now part of the placement's terms."),
    ),
    (
        "praktik_changes_requested",
        _l("%(by)s asks for changes to the praktik agreement: %(label)s"),
        _l("Read what should change and propose the agreement again."),
    ),
    (
        "paid_declined",
        _l("%(by)s could not confirm the paid hours: %(label)s"),
        _l("Read why on the placement's timeline."),
    ),
    (
        "hours_proposed",
        _l("%(by)s asks to change the paid hours: %(label)s"),
        _l("Read the request and its reason, then accept or decline it."),
    ),
    (
        "hours_accepted",
        _l("%(by)s accepted the change of paid hours: %(label)s"),
        _l("The new hours are now part of the placement's terms."),
    ),
    (
        "hours_declined",
        _l("%(by)s declined the change of paid hours: %(label)s"),
        _l("Read why on the placement's timeline."),
    ),
    (
        "more_hours",
        _l("The planned hours worked %(weeks)s weeks running: %(label)s"),
        _l("Is it time to ask the company for more hours?"),
    ),
    (
        "step_withdrawn",
        _l("%(by)s withdrew a proposal: %(label)s"),
        _l("Nothing waits for your answer any more."),
    ),
    (
        "placement_ended",
        _l("%(by)s ended the placement: %(label)s"),
        _l("Read the reason on the placement's timeline."),
    ),
    (
        "trial_ending",
        _l("The trial visit ends on %(day)s: %(label)s"),
        _l("Agree the next step, or end the placement."),
    ),
    (
        "praktik_ending",
        _l("The praktik ends on %(day)s: %(label)s"),
        _l("Agree an extension or paid hours, or end the placement."),
    ),
    (
        "praktik_long",
        _l("%(weeks)s weeks of praktik without paid hours: %(label)s"),
        _l("Is it time to offer paid hours?"),
    ),
    (
        "step_waiting",
        _l("A proposal waits for your answer: %(label)s"),
        _l("The other side proposed a step more than three days ago."),
    ),
):
    register_kind(
        Kind(name=_name, urgent=False, subject=_subject, summary=_summary, link=subject_link)
    )
