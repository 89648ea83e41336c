"""What the benchmark scripts share (they run as scripts from this folder,
so they import it as ``common``)."""
from __future__ import annotations

import random

ADMIN = "bench-admin"
#: words of the generated Vietnamese titles, descriptions and tags
VOCABULARY = (
    "dân số đất đai thời tiết giáo dục y tế giao thông ngân sách doanh "
    "nghiệp nông nghiệp môi trường không khí nước mặt trường học bệnh viện "
    "xe buýt du lịch lễ hội di tích chợ thủ tục hành chính quy hoạch xây "
    "dựng điện chiếu sáng cây xanh rác thải lúa gạo thủy sản lao động việc "
    "làm giá cả thống kê kiểm kê quan trắc khí tượng lượng mưa nhiệt độ"
).split()


def words(rng: random.Random, n: int, vocabulary: list[str] = VOCABULARY
          ) -> str:
    """``n`` words drawn from ``vocabulary``."""
    return " ".join(rng.choice(vocabulary) for _ in range(n))


def percentile(samples: list[float], pct: float) -> float:
    """The nearest-rank percentile of ``samples``."""
    ordered = sorted(samples)
    index = min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))
    return ordered[index]


def ensure_sysadmin(name: str = ADMIN) -> None:
    """The sysadmin that loads the generated data."""
    import ckan.plugins.toolkit as tk
    from ckan import model

    if model.User.get(name):
        return
    tk.get_action("user_create")({"ignore_auth": True}, {
        "name": name, "email": f"{name}@nd47.example.vn",
        "password": "Bench-password-1"})
    user = model.User.get(name)
    user.sysadmin = True
    model.Session.commit()
