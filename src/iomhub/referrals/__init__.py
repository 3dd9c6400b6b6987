"""Referrals into IOM (002 appendix 2) and the referral meeting's decisions (002 §2)."""
