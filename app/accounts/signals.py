"""What happens to accounts, announced for the domains that react (notifications, posts).

accounts never imports those domains; they subscribe here. Receivers run inside the open
transaction and must only add or change rows.
"""

from blinker import Namespace

_signals = Namespace()

# sender: User; kind: "verify", "reset", "signup_existing" or "password_changed"; link: the URL the
# e-mail offers. The receiver writes the e-mail to the outbox, in the user's language.
account_email = _signals.signal("account-email")
# sender: User; each receiver returns {section name: JSON-ready list or dict} of the user's data.
personal_data_requested = _signals.signal("personal-data-requested")
# sender: User, just before their personal data is erased; receivers erase what they keep of it.
account_deleting = _signals.signal("account-deleting")
