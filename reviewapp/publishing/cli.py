"""`flask publish [CAMPAIGN] --out book.pdf`: build the showcase book from the terminal."""
from pathlib import Path

import click

from .book import BookError
from .model import GROUP_KEYS, LANGUAGES


@click.command("publish")
@click.argument("campaign", required=False)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Where to write the PDF.")
@click.option("--language", type=click.Choice(LANGUAGES), default="zh", show_default=True)
@click.option("--group-by", "group_by", type=click.Choice(GROUP_KEYS), default="theme", show_default=True)
@click.option("--statistics/--no-statistics", default=False, help="Add the statistics appendix.")
def publish_command(campaign, out, language, group_by, statistics):
    """Build the book of CAMPAIGN (id, slug or year; the latest campaign by default)."""
    from .jobs import write_campaign_book
    from .sources import book_cases_of, find_campaign

    found = find_campaign(campaign)
    if found is None:
        raise click.ClickException(f"No campaign {campaign!r}." if campaign else "There is no campaign yet.")
    total = len(book_cases_of(found))
    if not total:
        raise click.ClickException(f"Campaign {found.slug} has no selected or published cases.")
    click.echo(f"Building the book of {found.slug} ({total} cases, {language}, grouped by {group_by})")
    with click.progressbar(length=total, label="Cases rendered") as bar:
        shown = [0]

        def progress(done, _total):
            bar.update(done - shown[0])
            shown[0] = done

        try:
            result, _count = write_campaign_book(found, Path(out), language, group_by, progress, statistics)
        except BookError as error:
            raise click.ClickException(str(error)) from error
    click.echo(f"Wrote {out}: {result.pages} pages in {result.seconds:.1f} s.")
    for problem in result.photo_problems:
        click.echo(f"  photo skipped: {problem}", err=True)
