"""A sharing agreement's purpose (issue 9 §2), and the audit action for a person shown in a list
(issue 9 §8)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0004_team_postcodes"),
    ]

    operations = [
        migrations.AddField(
            model_name="sharingagreement",
            name="purpose",
            field=models.TextField(blank=True, help_text="Why the organisation needs what it is given (000 §5.10.2)"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("view", "Viewed"),
                    ("search", "Searched"),
                    ("create", "Created"),
                    ("change", "Changed"),
                    ("export", "Exported"),
                    ("denied", "Access denied"),
                    ("break-glass", "Break-glass access"),
                    ("sign-in", "Signed in"),
                    ("sign-in-failed", "Sign-in failed"),
                    ("sign-out", "Signed out"),
                    ("locked-out", "Locked out"),
                    ("token-issued", "API token issued"),
                    ("listed", "Shown in a list"),
                ],
                db_index=True,
                max_length=20,
            ),
        ),
    ]
