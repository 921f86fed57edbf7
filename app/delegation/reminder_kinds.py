"""The delegation reminder kind: registered with notifications when imported. DELEGATE_ACTED carries everything in
its params (`dossierCode`)."""

from notifications.models import ReminderKind
from notifications.subjects import from_params, register

register(from_params, ReminderKind.DELEGATE_ACTED)
