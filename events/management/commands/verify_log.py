from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.domain.errors import ValidationError
from events.integrity import read_anchor, verify_chain, write_anchor, write_checkpoint
from events.management import arguments


class Command(BaseCommand):
    help = (
        "Recompute the hash chain over the whole event log and hold it to the signed checkpoints of its head "
        "(and an anchor file kept elsewhere); exit 1 at the first break."
    )

    def add_arguments(self, parser):
        parser.add_argument("--checkpoint", action="store_true", help="once verified, record a signed checkpoint of the head")
        parser.add_argument("--anchor", type=Path, help="a file of signed heads kept outside the database: the log must "
                            "pass through its last one; with --checkpoint, the head is appended to it")

    def handle(self, *args, **options):
        anchor = options["anchor"]
        anchors = []
        if anchor and (anchor.exists() or not options["checkpoint"]):  # --checkpoint starts a new anchor file
            try:
                anchors = [read_anchor(anchor)]
            except (OSError, ValidationError) as exc:
                raise arguments.usage_error(f"{anchor}: {exc}") from None
        report = verify_chain(anchors=anchors)
        if not report.ok:
            raise CommandError(f"chain broken at seq {report.broken_at}: {report.problem} ({report.checked} events verified before it)")
        self.stdout.write(f"ok: {report.checked} events, hash chain intact, head seq {report.head.seq} {report.head.hash}")
        if options["checkpoint"]:
            checkpoint = write_checkpoint(report.head)
            if anchor:
                write_anchor(anchor, checkpoint)
            self.stdout.write(f"checkpoint written: seq {checkpoint.seq} signature {checkpoint.signature}")
