"""The survey's data moved to the responses app (see responses/migrations/0001); no table changes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_response_moved_to_responses"),
        ("benchmarks", "0004_response_moved_to_responses"),
        ("responses", "0001_initial"),
        ("survey", "0008_public_id_unique"),
    ]

    operations = [
        # The tables stay where they are: only Django's record of which app owns them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="campaign",
                    name="bank",
                ),
                migrations.RemoveField(
                    model_name="campaign",
                    name="owner",
                ),
                migrations.RemoveField(
                    model_name="response",
                    name="campaign",
                ),
                migrations.RemoveField(
                    model_name="option",
                    name="question",
                ),
                migrations.RemoveField(
                    model_name="pillar",
                    name="bank",
                ),
                migrations.RemoveField(
                    model_name="question",
                    name="pillar",
                ),
                migrations.RemoveField(
                    model_name="pillarscore",
                    name="response_score",
                ),
                migrations.RemoveField(
                    model_name="question",
                    name="bank",
                ),
                migrations.RemoveField(
                    model_name="response",
                    name="bank",
                ),
                migrations.RemoveField(
                    model_name="responsescore",
                    name="bank",
                ),
                migrations.RemoveField(
                    model_name="response",
                    name="submitted_by",
                ),
                migrations.RemoveField(
                    model_name="responsescore",
                    name="response",
                ),
                migrations.DeleteModel(
                    name="Bucket",
                ),
                migrations.DeleteModel(
                    name="Campaign",
                ),
                migrations.DeleteModel(
                    name="Option",
                ),
                migrations.DeleteModel(
                    name="Pillar",
                ),
                migrations.DeleteModel(
                    name="PillarScore",
                ),
                migrations.DeleteModel(
                    name="Question",
                ),
                migrations.DeleteModel(
                    name="QuestionBank",
                ),
                migrations.DeleteModel(
                    name="Response",
                ),
                migrations.DeleteModel(
                    name="ResponseScore",
                ),
            ],
            database_operations=[],
        ),
    ]
