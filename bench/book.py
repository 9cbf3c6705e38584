"""Showcase book: cold build and one-case-changed rebuild for 50/150/300 cases, beside plain
WeasyPrint rendering the same pages in one process.

Synthetic selected cases: ~1,200 Chinese characters of narrative each, a 30-40 character
title, and two ~2400x1800 noisy JPEG photos (the largest the app keeps), generated once into a
temp dir. The photos go through the app's own upload path (cases.evidence.add_file, then the
processing job that makes the blind copy, thumbnail and print-size rendition, on a SQLite
file with the inline job backend), timed separately as upload work; the book is then built
from the print-size files the job made, as the app's build does. Prints
`book photos upload seconds=.. per_photo_ms=.. cpu_ms_per_photo=..`,
`book N cold seconds=.. pages=.. mb=.. mb_per_page=.. peak_mb=.. peak_sum_mb=..`,
`book N one_changed seconds=.. rendered_chunks=..` and
`book N plain_weasyprint seconds=.. ratio=..` (ratio: cold / plain; the plain render is every
chunk and the front matter rendered one after the other in this process with WeasyPrint's
own user-agent sheet and font handling, not merged: a lower bound for plain WeasyPrint, which
rendering the whole book as one document only makes slower). Pass sizes as arguments
(`python -m bench book 50`) to run fewer; `--no-plain` skips the plain render.

The photos are made and uploaded in a separate process (as web and job workers do in
production), so the build's memory is measured in a process that, like the job worker,
has the app loaded but no leftovers of 600 uploads.

Memory: `peak_mb` adds up each process's own peak (parent + render workers,
whenever each happened); `peak_sum_mb` is the largest sum of the resident
memory of the bench process and all its descendants (workers and the
forkserver) sampled at the same moment, every 20 ms.
"""
from __future__ import annotations

import dataclasses
import os
import random
import resource
import shutil
import sys
import tempfile
import threading
import time

from pathlib import Path

from reviewapp.publishing.book import build_book
from reviewapp.publishing.model import Book, BookCase, Figures, NarrativeSection, Photo

SIZES = (50, 150, 300)
PHOTO_DIR = os.path.join(tempfile.gettempdir(), "reviewapp-bench-photos")

SENTENCES = (
    "协会组织社会体育指导员深入社区，为老年人提供科学健身指导和体质监测服务。",
    "志愿者们利用周末时间走进乡村学校，带领孩子们开展篮球、足球和跳绳等体育活动。",
    "项目坚持以人民为中心，围绕群众身边的健身需求，常年开展形式多样的志愿服务。",
    "在体医融合方面，团队联合社区卫生服务中心，为慢性病患者制定个性化运动处方。",
    "服务队建立了完善的志愿者招募、培训、考核和激励制度，保证活动经常化、规范化。",
    "每逢重大节假日，志愿者在公园广场设立健身服务站，免费讲解健身器材的正确使用方法。",
    "针对残疾人群体，团队开发了适合轮椅使用者的康复健身操，并定期上门指导训练。",
    "通过线上直播课堂，优秀运动员和教练员向偏远地区群众传授太极拳、八段锦等传统项目。",
    "项目实施以来，累计开展活动数百场次，受益群众数万人次，获得了当地群众的广泛好评。",
    "他们把全民健身与乡村振兴结合起来，举办村级运动会，丰富了农民群众的精神文化生活。",
    "志愿服务队还积极参与基层社会治理，协助社区做好赛事组织、安全保障和秩序维护工作。",
    "在新时代文明实践中心的支持下，健身志愿服务覆盖了全县所有乡镇和行政村。",
    "高校志愿者团队发挥专业优势，为中小学体育教师开展培训，推动体教融合落地见效。",
    "企业志愿者组建了健步走队伍，带动职工和家属养成每天锻炼一小时的良好习惯。",
    "协会注重总结经验，编写了志愿服务工作手册，为其他地区开展类似活动提供了借鉴。",
    "冬季，志愿者在冰雪场地为青少年教授滑冰、滑雪基础知识，带动更多人参与冰雪运动。",
    "团队定期走访独居老人，开展防跌倒平衡训练，并普及运动安全和营养健康知识。",
    "依托基金会资助，项目为山区学校捐赠了体育器材，改善了孩子们的运动条件。",
    "社会体育指导员持证上岗，每周固定时间在社区健身点开展晨练和晚练指导。",
    "志愿者与医院康复科合作，为术后康复人群设计循序渐进的功能锻炼方案。",
    "项目创新采用积分兑换方式，鼓励志愿者长期服务，形成了稳定的骨干队伍。",
    "活动还吸引了众多媒体的关注和报道，产生了良好的社会影响和示范带动作用。",
    "在大型体育赛事期间，志愿者承担了引导、咨询、医疗保障等多项服务工作。",
    "他们坚持“奉献、友爱、互助、进步”的志愿精神，用实际行动践行全民健身理念。",
    "少数民族地区的志愿者将民族传统体育项目融入活动，传承和弘扬了优秀传统文化。",
    "团队利用大数据平台记录服务时长和群众反馈，不断改进服务内容和方式。",
    "志愿者深入工厂车间开展工间操指导，帮助职工缓解疲劳，预防职业病。",
    "面向青少年的暑期体育夏令营，让留守儿童度过了一个健康快乐的假期。",
)
HEADINGS = ("一、基本情况", "二、主要做法", "三、创新特色", "四、取得成效", "五、经验启示")
THEMES = ("体医融合", "体教融合", "为老服务", "助残服务", "乡村振兴", "基层社会治理")
PROVINCES = ("北京市", "河北省", "山西省", "辽宁省", "江苏省", "浙江省", "安徽省", "福建省",
             "山东省", "河南省", "湖北省", "湖南省", "广东省", "四川省", "贵州省", "云南省",
             "陕西省", "甘肃省", "新疆维吾尔自治区", "内蒙古自治区")
ORG_TYPES = ("单项体育协会", "社会体育指导员协会", "志愿服务联合会", "学校志愿服务团体",
             "企业志愿服务团体", "基金会")


WIDTH, HEIGHT = 2400, 1800


def make_photos(count: int) -> list[str]:
    """`count` distinct noisy 2400x1800 JPEGs, generated once and reused across runs."""
    from PIL import Image, ImageDraw, ImageFilter
    os.makedirs(PHOTO_DIR, exist_ok=True)
    paths = []
    noise = None
    for index in range(count):
        path = os.path.join(PHOTO_DIR, f"photo-{WIDTH}-{index:04d}.jpg")
        paths.append(path)
        if os.path.exists(path):
            continue
        if noise is None:
            noise = Image.effect_noise((WIDTH, HEIGHT), 40).convert("RGB").filter(
                ImageFilter.GaussianBlur(0.6))
        rng = random.Random(index)
        base = Image.linear_gradient("L").resize((WIDTH, HEIGHT)).convert("RGB")
        tint = Image.new("RGB", (WIDTH, HEIGHT), tuple(rng.randrange(40, 220) for _ in range(3)))
        image = Image.blend(Image.blend(base, tint, 0.6), noise, 0.25)
        draw = ImageDraw.Draw(image)
        for _ in range(12):
            x, y = rng.randrange(WIDTH - 100), rng.randrange(HEIGHT - 100)
            draw.ellipse((x, y, x + rng.randrange(90, 600), y + rng.randrange(90, 450)),
                         fill=tuple(rng.randrange(256) for _ in range(3)))
        image.save(path, "JPEG", quality=90)
    return paths


def _paragraphs(rng: random.Random, chars: int) -> list[str]:
    paragraphs, current, total = [], "", 0
    while total < chars:
        sentence = rng.choice(SENTENCES)
        current += sentence
        total += len(sentence)
        if len(current) > 180:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


PROJECTS = ("全民健身志愿服务进社区、进乡村、进校园", "社会体育指导员常态化志愿服务",
            "“健康中国”科学健身指导志愿服务", "体育志愿服务助力乡村振兴示范", "青少年体育志愿服务品牌建设")


def _title(rng: random.Random, province: str, index: int) -> str:
    """A real title's length (30-40 characters), so contents entries and running heads wrap."""
    title = f"{province}“{rng.choice(THEMES)}”{rng.choice(PROJECTS)}项目（第{index + 1}号）"
    if len(title) < 30:
        title = title.replace("项目（", "示范项目（")
    return title if len(title) <= 40 else f"{province[:2]}{title[len(province):]}"[:40]


def make_cases(count: int, photos: list[str], seed: int = 7) -> list[BookCase]:
    """`count` synthetic selected cases with ~1,200 characters of narrative and two photos."""
    rng = random.Random(seed)
    cases = []
    for index in range(count):
        paragraphs = _paragraphs(rng, 1200)
        per_section = max(1, len(paragraphs) // 4)
        sections = tuple(
            NarrativeSection(HEADINGS[i], tuple(paragraphs[i * per_section:(i + 1) * per_section]
                                                if i < 3 else paragraphs[3 * per_section:]))
            for i in range(4))
        province = rng.choice(PROVINCES)
        cases.append(BookCase(
            id=f"2023-{index:04d}",
            title=_title(rng, province, index),
            organization=f"{province}{rng.choice(ORG_TYPES)}第{index % 17 + 1}志愿服务队",
            province=province, org_type=rng.choice(ORG_TYPES),
            themes=(THEMES[index % len(THEMES)],),
            summary="".join(rng.choice(SENTENCES) for _ in range(3)),
            sections=sections,
            figures=Figures(volunteers=rng.randrange(20, 3000), service_hours=rng.randrange(500, 90000),
                            activities=rng.randrange(10, 900), people_served=rng.randrange(1000, 200000),
                            start_year=rng.randrange(2005, 2022)),
            photos=(Photo(photos[2 * index], "志愿者在社区健身点为群众进行健身指导"),
                    Photo(photos[2 * index + 1], "活动现场：乡村运动会开幕式")),
            gallery_url=f"https://gallery.example.cn/2023/cases/{index:04d}",
            version="v1",
        ))
    return cases


BOOK = Book(title_zh="2023年全民健身志愿服务优秀案例", title_en="2023 Excellent National Fitness "
            "Volunteer-Service Cases", year=2023, foreword="\n".join(SENTENCES[:6]))


def _reset_peak() -> None:
    """Reset this process's peak RSS (Linux clear_refs 5), so each build is measured alone."""
    try:
        with open("/proc/self/clear_refs", "w") as stream:
            stream.write("5")
    except OSError:
        pass


def _parent_peak_mb() -> float:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as stream:
                    todo.extend(int(child) for child in stream.read().split())
        except OSError:
            continue
        found.append(current)
    return found


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as stream:
            return int(stream.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


class MemorySampler:
    """Samples the RSS of this process and all its descendants (render workers, the
    forkserver) every `interval` seconds; `peak_sum_mb` is the largest simultaneous sum."""

    def __init__(self, interval: float = 0.02):
        self.interval = interval
        self.peak_sum_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        me = os.getpid()
        while not self._stop.is_set():
            total = sum(_rss_mb(pid) for pid in _descendants(me))
            self.peak_sum_mb = max(self.peak_sum_mb, total)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def upload_photos(paths: list[str], work_dir: str) -> list[str]:
    """Each photo uploaded as an applicant's evidence (two per case) through the app's own path:
    add_file stores it, the processing job makes its blind copy, thumbnail and print-size
    rendition. Returns the print-size files, in order, as the app's book build reads them."""
    from flask_migrate import upgrade

    from reviewapp import create_app
    from reviewapp.cases import evidence as store
    from reviewapp.cases.models import Case
    from reviewapp.extensions import db
    from reviewapp.publishing.sources import print_photo_path
    from tests.factories import make_campaign, make_organization

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{work_dir}/bench.sqlite",
                     INSTANCE_DIR=Path(work_dir), UPLOAD_FOLDER=Path(work_dir) / "uploads",
                     JOB_BACKEND="inline")
    printed = []
    with app.app_context():
        upgrade(revision="heads")
        campaign = make_campaign()
        for first in range(0, len(paths), 2):
            owner = make_organization(name=f"压测体育协会{first // 2}", email=f"org{first // 2}@bench.reviewapp.cn")
            case = Case(campaign=campaign, organization=owner.organization, contact_person="王丽",
                        contact_phone="13800138000")
            db.session.add(case)
            db.session.flush()
            items = []
            for path in paths[first:first + 2]:
                with open(path, "rb") as stream:
                    items.append(store.add_file(owner, case, stream.read(), "活动照片.jpg", "活动现场"))
                db.session.commit()  # the inline backend runs the processing job here
            for item in items:
                db.session.refresh(item)
                found = print_photo_path(item, store.stored_path)
                if found is None or item.print_storage_name is None:
                    raise RuntimeError(f"photo {item.id} was not processed: {item.processing_error}")
                printed.append(found)
        db.engine.dispose()
    return printed


def plain_weasyprint_seconds(cases: list[BookCase], work_dir: str) -> float:
    """The same chunks and front matter rendered one after the other in this process by plain
    WeasyPrint (its own user-agent sheet, its own font handling, no cache, no workers)."""
    import dataclasses as dc

    from reviewapp.publishing import render
    from reviewapp.publishing.book import _Builder
    from reviewapp.publishing.chunks import group_cases, plan_chunks

    builder = _Builder(BOOK, cases, work_dir, None, ())
    lean = render.lean_font_data
    render.lean_font_data = lambda: False
    try:
        groups = group_cases(cases, BOOK.group_by, builder.labels["other_group"])
        jobs = [builder.front_job(groups)] + [builder.chunk_job(chunk) for chunk in plan_chunks(groups, 12)]
        started = time.perf_counter()
        for job in jobs:
            render.render_job(dc.replace(job, ua_css=None, out_path=os.path.join(work_dir, "plain.pdf")))
        return time.perf_counter() - started
    finally:
        render.lean_font_data = lean
        builder.close()


def generate_and_upload(count: int, upload_dir: str):
    """Photos made and uploaded in a process of their own, as the web and job workers do in
    production: the memory they leave behind is not the build's. Returns the print-size files
    and (seconds to generate, seconds and CPU seconds to upload)."""
    started = time.perf_counter()
    raw = make_photos(count)
    generated = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    prepared = upload_photos(raw, upload_dir)
    return prepared, (generated, time.perf_counter() - started, time.process_time() - cpu)


def main(argv):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    plain = "--no-plain" not in argv
    sizes = [int(arg) for arg in argv if arg.isdigit()] or list(SIZES)
    upload_dir = tempfile.mkdtemp(prefix="bench-book-uploads-")
    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as uploader:
            prepared, (generated, seconds, cpu) = uploader.submit(
                generate_and_upload, 2 * max(sizes), upload_dir).result()
        print(f"book photos generate seconds={generated:.2f} count={len(prepared)} px={WIDTH}x{HEIGHT}")
        size_mb = sum(os.path.getsize(p) for p in prepared) / len(prepared) / 1e6
        print(f"book photos upload seconds={seconds:.2f} count={len(prepared)} "
              f"per_photo_ms={1000 * seconds / len(prepared):.0f} "
              f"cpu_ms_per_photo={1000 * cpu / len(prepared):.0f} print_avg_mb={size_mb:.3f}")
        # The job worker that builds books has the whole app loaded: so has this process.
        from reviewapp import create_app
        create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
        _build_sizes(sizes, prepared, plain)
    finally:
        shutil.rmtree(upload_dir, ignore_errors=True)
    return 0


def _build_sizes(sizes, prepared, plain):
    for size in sizes:
        cases = make_cases(size, prepared)
        cache_dir = tempfile.mkdtemp(prefix="bench-book-")
        out = os.path.join(cache_dir, "book.pdf")
        try:
            _reset_peak()
            with MemorySampler() as sampler:
                result = build_book(BOOK, cases, out, cache_dir=cache_dir)
            mb = os.path.getsize(out) / 1e6
            parent = _parent_peak_mb()
            largest_child = max(result.worker_peak_mb, default=0.0)
            cold_seconds = result.seconds
            print(f"book {size} cold seconds={result.seconds:.2f} pages={result.pages} "
                  f"mb={mb:.1f} mb_per_page={mb / result.pages:.3f} "
                  f"peak_mb={parent + sum(result.worker_peak_mb):.0f} "
                  f"peak_sum_mb={sampler.peak_sum_mb:.0f} "
                  f"parent_peak_mb={parent:.0f} largest_child_mb={largest_child:.0f} "
                  f"chunks={result.chunks_total} render_cpu_s={result.render_cpu_seconds:.1f} "
                  f"load={_load()}")
            changed = list(cases)
            middle = changed[size // 2]
            changed[size // 2] = dataclasses.replace(
                middle, summary=middle.summary + "（已更新）", version="v2")
            result = build_book(BOOK, changed, out, cache_dir=cache_dir)
            print(f"book {size} one_changed seconds={result.seconds:.2f} "
                  f"rendered_chunks={result.chunks_rendered} pages={result.pages} load={_load()}")
            sys.stdout.flush()
            if plain:
                plain_seconds = plain_weasyprint_seconds(cases, cache_dir)
                print(f"book {size} plain_weasyprint seconds={plain_seconds:.2f} "
                      f"ratio={cold_seconds / plain_seconds:.2f} load={_load()}")
                sys.stdout.flush()
        finally:
            shutil.rmtree(cache_dir, ignore_errors=True)
