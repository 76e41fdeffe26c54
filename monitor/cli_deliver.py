"""`railwatch deliveries`: the notification outbox, and pushing it again."""

from __future__ import annotations

import json

import click

from monitor.app import AppContext
from monitor.render import print_deliveries
from storage.outbox import deliveries as list_deliveries

__all__ = ["deliveries"]


@click.command()
@click.option("--json", "as_json", is_flag=True, help="print a JSON array")
@click.option("--retry", is_flag=True,
              help="send every owed delivery now, ignoring backoff timers, and give failed ones another try")
@click.option("--state", "states", multiple=True, type=click.Choice(["owed", "failed", "done"]),
              help="only deliveries in this state (repeatable)")
@click.pass_obj
def deliveries(app: AppContext, as_json: bool, retry: bool, states: tuple[str, ...]) -> None:
    """Notification deliveries: owed, failed, done."""
    archive = app.archive()
    if retry:
        from monitor.notify.deliver import Deliverer

        deliverer = Deliverer(app.config(), archive)
        revived = deliverer.retry_failed()
        report = deliverer.run(ignore_backoff=True)
        click.echo(f"retried: {report.sent} sent, {report.retrying} still owed, {report.given_up} failed"
                   + (f" ({revived} failed ones revived)" if revived else ""), err=True)
    with archive.reading() as session:
        rows = list_deliveries(session, states=states)
    if as_json:
        click.echo(json.dumps([row.as_json() for row in rows], ensure_ascii=False, indent=2))
    else:
        print_deliveries(rows)
