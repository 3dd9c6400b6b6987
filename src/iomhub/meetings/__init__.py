"""The referral and operational meeting (seed 002 §2): meetings, attendees, the agenda."""
