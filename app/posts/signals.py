"""What happens to posts, announced for the domains that react (search, notifications, moderation).

posts never imports those domains; they subscribe here. Receivers run inside the open transaction
and must only add rows or queue work for after the commit.
"""

from blinker import Namespace

_signals = Namespace()

post_submitted = _signals.signal("post-submitted")  # sender: Post
post_edited = _signals.signal("post-edited")  # sender: Post; revision (None while pending), editor
vote_changed = _signals.signal("vote-changed")  # sender: Post; user, value (0 when removed)
comment_added = _signals.signal("comment-added")  # sender: Comment
comment_edited = _signals.signal("comment-edited")  # sender: Comment
# sender: Post; user. Sent before a vote is cast: a receiver refuses it by raising votes.VoteError
# (a closed call for ideas takes no more votes on its ideas).
vote_checking = _signals.signal("vote-checking")
