"""Devices, the in-app inbox, notification preferences, delivery counts and the live inbox feed."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry import relay

from app.accounts.identity import Viewer
from app.api.arguments import Input
from app.api.context import Info
from app.api.enums import described_enum
from app.api.errors import UserError, bad_input, coded_mutation
from app.api.ids import database_id
from app.api.pagination import After, Connection, First, paginate_queryset
from app.api.permissions import require_citizen, require_staff, require_viewer
from app.api.subscriptions import checked_messages
from app.errors import DomainError, ErrorCode
from notifications import devices, inbox
from notifications import models as notification_models
from notifications.counts import totals
from notifications.models import Category, Platform, ReminderKind, ReminderState
from notifications.preferences import preferences_of, time_of_day, update_preferences

MAX_STATS_DAYS = 366

described_enum(
    Platform,
    "DevicePlatform",
    "The phone's operating system.",
    {Platform.ANDROID: "Android (FCM).", Platform.IOS: "iOS (APNs through FCM)."},
)
described_enum(
    Category,
    "NotificationCategory",
    "What a notification is about; each can be switched off for push (the inbox keeps everything).",
    {
        Category.DOSSIER_UPDATES: "A dossier changed status or its result is ready.",
        Category.DEADLINES: "A deadline is near (documents to supply); staff: the morning digest.",
        Category.APPOINTMENTS: "An appointment is tomorrow or within the hour.",
        Category.PAYMENTS: "A fee awaits payment, or a payment was received.",
        Category.RATINGS: "A request to rate a finished dossier, or the centre's answer to a rating.",
    },
)
described_enum(
    ReminderKind,
    "NotificationKind",
    "The exact kind of a notification (the app may pick an icon by it).",
    {
        ReminderKind.DOSSIER_UPDATED: "A dossier changed status.",
        ReminderKind.APPOINTMENT_24H: "An appointment in 24 hours.",
        ReminderKind.APPOINTMENT_1H: "An appointment in one hour.",
        ReminderKind.SUPPLEMENT_DUE_2D: "Two working days left to supply documents.",
        ReminderKind.SUPPLEMENT_DUE_1D: "Last working day to supply documents.",
        ReminderKind.RESULT_READY: "The result of a dossier is ready.",
        ReminderKind.PAYMENT_PENDING: "A fee has been awaiting payment for a day.",
        ReminderKind.PAYMENT_RECEIVED: "A fee was paid; the e-receipt is ready.",
        ReminderKind.RATING_PROMPT: "Please rate a returned dossier.",
        ReminderKind.RATING_ANSWERED: "The centre answered your rating.",
        ReminderKind.STAFF_DIGEST: "Staff: dossiers of your centre due within a working day.",
        ReminderKind.DRAFT_EXPIRING: "A dossier draft will be deleted soon unless it is saved or submitted.",
        ReminderKind.DELEGATE_ACTED: "Someone acted for the citizen under a delegation (e.g. filed a dossier).",
    },
)


@strawberry.type(description="One entry of the in-app inbox.")
class Notification:
    id: relay.GlobalID = strawberry.field(description="The notification's ID.")
    category: Category = strawberry.field(description="What it is about.")
    kind: ReminderKind = strawberry.field(description="The exact kind.")
    title: str = strawberry.field(description="Title, in the recipient's language.")
    body: str = strawberry.field(description="Text, in the recipient's language.")
    deep_link: str = strawberry.field(
        description="Where the app should go: `dossier/<code>`, `appointment/<id>` or `centre/dossiers`."
    )
    created_at: datetime = strawberry.field(description="When it was stored.")
    read_at: datetime | None = strawberry.field(description="When it was marked read; null while unread.")

    @classmethod
    def from_model(cls, row: notification_models.Notification) -> Notification:
        return cls(
            id=relay.GlobalID("Notification", str(row.id)),
            category=row.category,
            kind=row.kind,
            title=row.title,
            body=row.body,
            deep_link=row.deep_link,
            created_at=row.created_at,
            read_at=row.read_at,
        )


@strawberry.type(description="A phone registered for push notifications.")
class Device:
    token: str = strawberry.field(description="The phone's Firebase installation ID.")
    platform: Platform = strawberry.field(description="Android or iOS.")
    locale: str = strawberry.field(description="The app's language on that phone (vi or en).")
    app_version: str = strawberry.field(description="The app's version, for support.")
    last_seen_at: datetime = strawberry.field(description="Last registration or successful push.")


@strawberry.type(description="Which pushes a citizen wants, and when not to be disturbed.")
class NotificationPreferences:
    muted_categories: list[Category] = strawberry.field(description="Categories with push switched off.")
    quiet_hours_start: str = strawberry.field(description="Local time (HH:MM) from which non-urgent pushes wait.")
    quiet_hours_end: str = strawberry.field(description="Local time (HH:MM) at which waiting pushes go out.")

    @classmethod
    def from_model(cls, row: notification_models.NotificationPreferences) -> NotificationPreferences:
        return cls(
            muted_categories=[Category(c) for c in row.muted_categories],
            quiet_hours_start=time_of_day(row.quiet_start_minute),
            quiet_hours_end=time_of_day(row.quiet_end_minute),
        )


@strawberry.type(description="Delivery counts over a period, for staff.")
class NotificationStats:
    sent: int = strawberry.field(description="Reminders delivered (push, SMS or inbox only).")
    failed: int = strawberry.field(description="Reminders given up after retries or rejected.")
    retried: int = strawberry.field(description="Reminders put back after a transient failure.")
    push_retries: int = strawberry.field(description="Single pushes re-sent after 429/500/503.")
    skipped: int = strawberry.field(description="Reminders that no longer applied at send time.")
    deferred: int = strawberry.field(description="Pushes held back by quiet hours.")
    muted: int = strawberry.field(description="Pushes not sent because the category was switched off.")
    sms: int = strawberry.field(description="SMS fallbacks sent.")
    dead_tokens: int = strawberry.field(description="Device tokens deleted after FCM said they were dead.")
    pruned_tokens: int = strawberry.field(description="Device tokens deleted after 60 days unused.")
    late: int = strawberry.field(description="Reminders sent more than a minute after their due time.")
    unconfirmed: int = strawberry.field(description="Pushes on the wire when a worker died: never re-sent.")
    pending_now: int = strawberry.field(description="Reminders waiting to be sent, now.")
    overdue_now: int = strawberry.field(description="Reminders past their due time and not yet sent, now.")


@strawberry.type(description="Result of `registerDevice`.")
class RegisterDevicePayload:
    device: Device | None = strawberry.field(default=None, description="The registered device.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.type(description="Result of `unregisterDevice`.")
class UnregisterDevicePayload:
    removed: bool = strawberry.field(default=False, description="True when the token was yours and is gone.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.type(description="Result of `markNotificationsRead`.")
class MarkNotificationsReadPayload:
    marked: int = strawberry.field(default=0, description="How many unread notifications became read.")
    unread_count: int = strawberry.field(default=0, description="Unread notifications left.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.type(description="Result of `updateNotificationPreferences`.")
class NotificationPreferencesPayload:
    preferences: NotificationPreferences | None = strawberry.field(default=None, description="Preferences now.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.input(description="Register this phone for push notifications.")
class RegisterDeviceInput:
    token: str = strawberry.field(
        description="The phone's Firebase installation ID, which FCM addresses pushes to (moves here if another "
        "account had it)."
    )
    platform: Platform = strawberry.field(description="Android or iOS.")
    locale: str = strawberry.field(default="vi", description="The app's language on this phone (vi or en).")
    app_version: str = strawberry.field(default="", description="The app's version (32 characters at most).")


@strawberry.input(description="Stop push notifications to this phone (on sign-out).")
class UnregisterDeviceInput:
    token: str = strawberry.field(description="The Firebase installation ID given to `registerDevice`.")


@strawberry.input(description="Mark notifications read: give `ids`, or `all: true`.")
class MarkNotificationsReadInput:
    ids: list[relay.GlobalID] | None = strawberry.field(default=None, description="Up to 100 notification IDs.")
    all: bool = strawberry.field(default=False, description="Mark every unread notification read.")


@strawberry.input(description="Change notification preferences; omitted fields stay as they are.")
class UpdateNotificationPreferencesInput:
    muted_categories: list[Category] | None = strawberry.field(
        default=None, description="The categories to switch off (the full list; empty switches all on)."
    )
    quiet_hours_start: str | None = strawberry.field(default=None, description="Local time HH:MM, e.g. 21:00.")
    quiet_hours_end: str | None = strawberry.field(default=None, description="Local time HH:MM, e.g. 07:00.")


def _owner(viewer: Viewer) -> dict[str, int | None]:
    return {"citizen_id": viewer.id if viewer.is_citizen else None, "staff_id": viewer.id if viewer.is_staff else None}


@strawberry.type
class NotificationsQuery:
    @strawberry.field(description="Your inbox, newest first (citizens and staff).")
    async def notifications(
        self,
        info: Info,
        unread_only: Annotated[bool, strawberry.argument(description="Only unread ones.")] = False,
        first: First = None,
        after: After = None,
    ) -> Connection[Notification]:
        viewer = require_viewer(info)
        queryset = inbox.inbox_of(**_owner(viewer), unread_only=unread_only)
        return await paginate_queryset(info, queryset, first, after, Notification.from_model)

    @strawberry.field(description="How many inbox entries are unread (for the badge).")
    async def unread_notification_count(self, info: Info) -> int:
        return await inbox.unread_count(**_owner(require_viewer(info)))

    @strawberry.field(description="Your notification preferences (citizens).")
    async def notification_preferences(self, info: Info) -> NotificationPreferences:
        viewer = require_citizen(info)
        return NotificationPreferences.from_model(await preferences_of(viewer.id))

    @strawberry.field(description="Delivery counts between two UTC dates inclusive (staff), and the backlog now.")
    async def notification_stats(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from", description="First UTC date.")],
        to: Annotated[date, strawberry.argument(description="Last UTC date (at most 366 days after `from`).")],
    ) -> NotificationStats:
        require_staff(info)
        if not 0 <= (to - from_).days < MAX_STATS_DAYS:
            raise bad_input("`to` must be on or after `from`, within 366 days.")
        counts = await totals(from_, to)
        now = info.context.services.clock()
        waiting = notification_models.Reminder.filter(state=ReminderState.PENDING)
        return NotificationStats(
            **{name: counts.get(name, 0) for name in NotificationStats.__annotations__ if not name.endswith("_now")},
            pending_now=await waiting.count(),
            overdue_now=await waiting.filter(due_at__lt=now).count(),
        )


@strawberry.type
class NotificationsMutation:
    @coded_mutation(
        RegisterDevicePayload,
        description="Register this phone for push notifications (citizens and staff).",
        errors=[ErrorCode.INVALID_DEVICE_TOKEN, ErrorCode.INVALID_APP_VERSION],
    )
    async def register_device(self, info: Info, input: Input[RegisterDeviceInput]) -> RegisterDevicePayload:
        viewer = require_viewer(info)
        now = info.context.services.clock()
        row = await devices.register(
            input.token, input.platform, input.locale, input.app_version, now, **_owner(viewer)
        )
        return RegisterDevicePayload(
            device=Device(
                token=row.token,
                platform=row.platform,
                locale=row.locale,
                app_version=row.app_version,
                last_seen_at=row.last_seen_at,
            )
        )

    @coded_mutation(
        UnregisterDevicePayload,
        description="Stop push notifications to this phone.",
        errors=[ErrorCode.INVALID_DEVICE_TOKEN],
    )
    async def unregister_device(self, info: Info, input: Input[UnregisterDeviceInput]) -> UnregisterDevicePayload:
        viewer = require_viewer(info)
        return UnregisterDevicePayload(removed=await devices.unregister(input.token, **_owner(viewer)))

    @coded_mutation(
        MarkNotificationsReadPayload,
        description="Mark inbox entries read.",
        errors=[ErrorCode.TOO_MANY_IDS, ErrorCode.INVALID_NOTIFICATION_SELECTION],
    )
    async def mark_notifications_read(
        self, info: Info, input: Input[MarkNotificationsReadInput]
    ) -> MarkNotificationsReadPayload:
        owner = _owner(require_viewer(info))
        if input.all == (input.ids is not None):
            raise DomainError(ErrorCode.INVALID_NOTIFICATION_SELECTION, "ids")
        ids = None if input.ids is None else [database_id(g, "Notification") for g in input.ids]
        marked = await inbox.mark_read(info.context.services.clock(), **owner, ids=ids)
        return MarkNotificationsReadPayload(marked=marked, unread_count=await inbox.unread_count(**owner))

    @coded_mutation(
        NotificationPreferencesPayload,
        description="Change which pushes you get and your quiet hours (citizens).",
        errors=[ErrorCode.INVALID_QUIET_HOURS],
    )
    async def update_notification_preferences(
        self, info: Info, input: Input[UpdateNotificationPreferencesInput]
    ) -> NotificationPreferencesPayload:
        viewer = require_citizen(info)
        row = await update_preferences(
            viewer.id,
            muted=input.muted_categories,
            quiet_start=input.quiet_hours_start,
            quiet_end=input.quiet_hours_end,
        )
        return NotificationPreferencesPayload(preferences=NotificationPreferences.from_model(row))


@strawberry.type
class NotificationsSubscription:
    @strawberry.subscription(description="Each new inbox entry of the signed-in citizen or staff member, live.")
    async def notification_received(self, info: Info) -> AsyncGenerator[Notification, None]:
        owner = _owner(require_viewer(info))
        async for message in checked_messages(info, require_viewer, inbox.inbox_channel(**owner)):
            row = await notification_models.Notification.get_or_none(reminder_id=message["reminderId"], **owner)
            if row is not None:
                yield Notification.from_model(row)
