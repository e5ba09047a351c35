"""Target shooting (section 2.0.3): the record, the simulated rifle, the bursts,
forward- and reverse-mode differentiation, the figures and the chapter."""

from __future__ import annotations

import math
import re

import jupytext
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.text import Annotation

from nnbasics import central_difference
from nnbasics.autodiff import (
    Dual,
    Node,
    forward_mode_gradient,
    reverse_mode_gradient,
)
from nnbasics.examples.target_shooting import (
    FIVE_SHOTS,
    RANGE,
    RING_WIDTH,
    RINGS,
    SIGHT_OFFSET,
    SPREAD,
    Rifle,
    Shot,
    Target,
    aim_loss,
    compare_bursts,
    direction_name,
    gap_gradient,
    gaps,
    mean_gap,
    mean_squared_gap,
    predicted_spread,
    record_table,
    score_deficits,
    shoot,
    squared_gap_gradient,
    zero_in,
)
from nnbasics.plotting.style import new_figure
from nnbasics.plotting.target_shooting import (
    bursts,
    draw_target,
    shot_record,
    single_shots,
    spread_by_burst,
)
from tests.conftest import REPO

CHAPTER = REPO / "book" / "target-shooting.md"
ORIGINAL_RINGS = [1, 6, 7, 8, 10]
ORIGINAL_DIRECTIONS = ["upper left 45°", "upper left 15°", "left", "lower left 15°"]


# --- the five-shot record -----------------------------------------------------------


def test_the_record_is_the_originals_ring_list() -> None:
    assert [shot.ring for shot in FIVE_SHOTS] == ORIGINAL_RINGS
    assert [shot.direction for shot in FIVE_SHOTS] == [*ORIGINAL_DIRECTIONS, "centre"]


def test_deficits_are_derived_from_the_ring_list() -> None:
    deficits = score_deficits(FIVE_SHOTS)
    assert deficits.tolist() == [9, 4, 3, 2, 0]
    assert deficits.tolist() == [10 - ring for ring in ORIGINAL_RINGS]
    # not the original's other description, which contradicts its own rings
    assert deficits.tolist() != [9, 8, 2, 1, 0]


@pytest.mark.parametrize("ring_width", [RING_WIDTH, 0.5, 3.0])
def test_placed_hits_lie_in_their_rings(ring_width: float) -> None:
    target = Target(ring_width)
    positions = target.place(FIVE_SHOTS)
    assert target.ring_at(positions).tolist() == ORIGINAL_RINGS
    # each hit in the middle of its band, the bullseye at the centre
    expected = [(RINGS - ring + 0.5) * ring_width for ring in ORIGINAL_RINGS[:-1]]
    np.testing.assert_allclose(gaps(positions[:-1]), expected)
    assert positions[-1].tolist() == [0.0, 0.0]


def test_placed_hits_point_in_the_recorded_directions() -> None:
    positions = Target().place(FIVE_SHOTS)[:-1]
    angles = np.degrees(np.arctan2(positions[:, 1], positions[:, 0]))
    assert [direction_name(a) for a in angles] == ORIGINAL_DIRECTIONS
    expected = [shot.angle for shot in FIVE_SHOTS[:-1]]
    np.testing.assert_allclose(angles % 360, expected)
    assert np.all(positions[:, 0] < 0)  # all four misses are on the left
    assert positions[0, 1] > positions[1, 1] > positions[2, 1] == 0 > positions[3, 1]


@pytest.mark.parametrize(
    ("angle", "name"),
    [(0, "right"), (30, "upper right 30°"), (-30, "lower right 30°"),
     (330, "lower right 30°"), (90, "up"), (270, "down"), (-90, "down"),
     (540, "left"), (None, "centre")],
)  # fmt: skip
def test_direction_names(angle: float | None, name: str) -> None:
    assert direction_name(angle) == name


@pytest.mark.parametrize("ring", [0, 11, -3])
def test_ring_outside_one_to_ten_is_refused(ring: int) -> None:
    with pytest.raises(ValueError, match=r"ring must be between 1 .* and 10"):
        Shot(ring, 90.0)


@pytest.mark.parametrize("ring", [2.5, "7", True])
def test_ring_must_be_a_whole_number(ring: object) -> None:
    with pytest.raises(TypeError, match="ring must be a whole number"):
        Shot(ring, 90.0)  # type: ignore[arg-type]


def test_only_a_bullseye_may_leave_out_its_angle() -> None:
    assert Shot(10).angle is None
    with pytest.raises(ValueError, match="angle is missing for a hit in ring 7"):
        Shot(7)


def test_angles_count_counter_clockwise_from_three_o_clock() -> None:
    target = Target()
    up, left = target.place([Shot(5, 90.0), Shot(5, 180.0)])
    assert up[0] == pytest.approx(0.0)
    assert up[1] > 0
    assert left[0] < 0
    assert left[1] == pytest.approx(0.0)


def test_bad_angles_are_refused() -> None:
    with pytest.raises(TypeError, match="angle must be numbers"):
        Shot(3, "left")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="angle contains 1 NaN"):
        Shot(3, float("nan"))


def test_target_geometry() -> None:
    target = Target(2.0)
    assert target.radius == 20.0
    assert target.band(10) == (0.0, 2.0)
    assert target.band(1) == (18.0, 20.0)
    points = [[0, 0], [1.99, 0], [2.0, 0], [0, -19.9], [20.0, 0], [-30, 5]]
    assert target.ring_at(points).tolist() == [10, 10, 9, 1, 0, 0]
    with pytest.raises(ValueError, match="ring_width must be a positive"):
        Target(0.0)
    with pytest.raises(ValueError, match="ring must be between"):
        target.band(11)


def test_record_input_is_checked() -> None:
    with pytest.raises(ValueError, match="shots is empty"):
        score_deficits([])
    with pytest.raises(TypeError, match="shots must hold Shot records"):
        Target().place([(7, 180.0)])  # type: ignore[list-item]


def test_record_table_lists_every_shot_in_four_columns() -> None:
    lines = record_table(FIVE_SHOTS, Target()).splitlines()
    assert len(lines) == 2 + len(FIVE_SHOTS)
    assert lines[0] == "| shot | ring | direction | gap (cm) |"
    assert lines[2] == "| 1 | 1 | upper left 45° | 19.0 |"
    assert lines[-1] == "| 5 | 10 | centre | 0.0 |"


# --- losses and their gradients ----------------------------------------------------


def test_gaps_mean_gap_and_the_loss() -> None:
    burst = np.array([[3.0, 4.0], [0.0, -2.0], [-1.0, 0.0]])
    np.testing.assert_allclose(gaps(burst), [5.0, 2.0, 1.0])
    assert mean_gap(burst) == pytest.approx(8 / 3)
    assert mean_squared_gap(burst) == pytest.approx(30 / 3)  # the loss: MSE
    many = np.stack([burst, 2 * burst])
    np.testing.assert_allclose(mean_gap(many), [8 / 3, 16 / 3])
    np.testing.assert_allclose(mean_squared_gap(many), [10.0, 40.0])


@pytest.mark.parametrize("bad", [[1.0, 2.0, 3.0], [[1.0, 2.0, 3.0]], 5.0])
def test_hits_must_be_points(bad: object) -> None:
    with pytest.raises(ValueError, match=r"hits must be points \(x, y\)"):
        gaps(bad)  # type: ignore[arg-type]


def test_a_single_point_is_not_a_burst() -> None:
    with pytest.raises(ValueError, match="hits must hold a burst"):
        mean_gap([1.0, 2.0])
    with pytest.raises(ValueError, match="hits must hold a burst"):
        squared_gap_gradient([1.0, 2.0])


@settings(max_examples=40, deadline=None)
@given(
    aim=st.tuples(*[st.floats(-5, 5)] * 2),
    seed=st.integers(0, 10_000),
    burst=st.integers(1, 5),
)
def test_gradients_match_finite_differences(
    aim: tuple[float, float], seed: int, burst: int
) -> None:
    rifle = Rifle()
    noise = rifle.disturbances(1, burst, seed=seed)[0]
    hits = rifle.fire(aim, noise)

    def loss(a: np.ndarray) -> float:
        return mean_squared_gap(rifle.fire(a, noise))

    def gap_loss(a: np.ndarray) -> float:
        return mean_gap(rifle.fire(a, noise))

    np.testing.assert_allclose(
        squared_gap_gradient(hits), central_difference(loss, aim), atol=1e-5
    )
    np.testing.assert_allclose(
        gap_gradient(hits), central_difference(gap_loss, aim), atol=1e-5
    )
    # the squared gap's gradient is twice the mean miss
    np.testing.assert_allclose(squared_gap_gradient(hits), 2 * hits.mean(axis=0))


def test_gap_gradient_is_zero_for_a_hit_dead_centre() -> None:
    np.testing.assert_array_equal(gap_gradient([[0.0, 0.0]]), [0.0, 0.0])


# --- the simulated rifle and the session -------------------------------------------


def test_rifle_fires_aim_plus_offset_plus_disturbance() -> None:
    rifle = Rifle(sight_offset=(1.0, -2.0), spread=0.5)
    noise = np.array([[0.1, 0.2], [-0.3, 0.0]])
    np.testing.assert_allclose(rifle.fire([3.0, 4.0], noise), [[4.1, 2.2], [3.7, 2.0]])


def test_rifle_input_is_checked() -> None:
    with pytest.raises(ValueError, match="sight_offset must be one point"):
        Rifle(sight_offset=(1.0, 2.0, 3.0))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="spread must be 0 or more"):
        Rifle(spread=-1.0)
    with pytest.raises(ValueError, match="spread contains 1 NaN"):
        Rifle(spread=float("nan"))
    with pytest.raises(ValueError, match="burst must be at least 1"):
        Rifle().disturbances(3, 0, seed=1)
    with pytest.raises(TypeError, match="seed must be a whole number"):
        Rifle().disturbances(3, 1, seed=1.5)  # type: ignore[arg-type]


def test_same_seed_same_shots_different_seed_different_shots() -> None:
    first = shoot(Rifle(), rounds=6, burst=3, seed=7)
    again = shoot(Rifle(), rounds=6, burst=3, seed=7)
    other = shoot(Rifle(), rounds=6, burst=3, seed=8)
    np.testing.assert_array_equal(first.hits, again.hits)
    np.testing.assert_array_equal(first.aims, again.aims)
    assert not np.allclose(first.hits, other.hits)
    assert first.seed == 7


def test_session_shapes() -> None:
    session = shoot(Rifle(), rounds=4, burst=3, seed=0)
    assert (session.rounds, session.burst) == (4, 3)
    assert session.aims.shape == (5, 2)
    assert session.hits.shape == (4, 3, 2)
    assert session.gradients.shape == (4, 2)
    assert session.losses.shape == session.mean_gaps.shape == (4,)
    np.testing.assert_allclose(session.losses, mean_squared_gap(session.hits))
    np.testing.assert_allclose(session.mean_gaps, mean_gap(session.hits))
    np.testing.assert_allclose(session.mean_points, session.aims + SIGHT_OFFSET)


def test_zero_in_runs_many_sessions_at_once() -> None:
    rifle = Rifle()
    noise = np.stack([rifle.disturbances(5, 2, seed=s) for s in (4, 5)])
    aims, hits, gradients = zero_in(rifle, noise, (1.0, -1.0), 0.25)
    assert aims.shape == (2, 6, 2)
    assert hits.shape == (2, 5, 2, 2)
    for run, seed in enumerate((4, 5)):
        session = shoot(rifle, rounds=5, burst=2, seed=seed, initial_aim=(1.0, -1.0))
        np.testing.assert_allclose(aims[run], session.aims)
        np.testing.assert_allclose(gradients[run], session.gradients)


@pytest.mark.parametrize(
    ("disturbances", "aim", "rate", "message"),
    [
        (np.zeros((3, 1, 2)), (0, 0), 0.25, "disturbances must be 4-dimensional"),
        (np.zeros((1, 3, 1, 3)), (0, 0), 0.25, r"shape \(runs, rounds, burst, 2\)"),
        (np.zeros((1, 3, 1, 2)), (0, 0, 0), 0.25, "initial_aim must be one point"),
        (np.zeros((1, 3, 1, 2)), (0, 0), -1.0, "learning_rate must be a positive"),
    ],
)
def test_zero_in_refuses_bad_input(disturbances, aim, rate, message) -> None:
    with pytest.raises(ValueError, match=message):
        zero_in(Rifle(), disturbances, aim, rate)


def test_each_correction_is_a_descent_step_on_the_squared_gap() -> None:
    session = shoot(Rifle(), rounds=5, learning_rate=0.3, seed=4)
    np.testing.assert_allclose(session.gradients, 2 * session.hits.mean(axis=1))
    np.testing.assert_allclose(
        session.aims[1:], session.aims[:-1] - 0.3 * session.gradients
    )


def test_without_disturbance_the_miss_shrinks_geometrically() -> None:
    session = shoot(Rifle(spread=0.0), rounds=8, learning_rate=0.25, seed=0)
    expected = 15.0 * 0.5 ** np.arange(9)  # |offset| = 15 cm, halved every round
    np.testing.assert_allclose(gaps(session.mean_points), expected)


def test_single_shots_converge_on_the_bullseye() -> None:
    finals = [
        gaps(shoot(Rifle(), rounds=15, seed=s).mean_points[-1]) for s in range(200)
    ]
    assert float(np.sqrt(np.mean(np.square(finals)))) < 2 * SPREAD  # from 15 cm
    session = shoot(Rifle(), rounds=10, seed=2)
    assert session.mean_gaps[0] > 10
    assert np.all(Target().ring_at(session.hits[-5:, 0]) >= 8)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"burst": 0}, ValueError, "burst must be at least 1"),
        ({"burst": 2.0}, TypeError, "burst must be a whole number"),
        ({"rounds": 0}, ValueError, "rounds must be at least 1"),
        ({"learning_rate": 0.0}, ValueError, "learning_rate must be a positive"),
        ({"initial_aim": (1.0,)}, ValueError, "initial_aim must be one point"),
        ({"seed": "one"}, TypeError, "seed must be a whole number"),
    ],
)
def test_shoot_refuses_bad_input(options: dict, error: type, message: str) -> None:
    arguments = {"rounds": 3, "seed": 1, **options}
    with pytest.raises(error, match=message):
        shoot(Rifle(), **arguments)


# --- bursts against single shots, over many seeds ------------------------------------


@pytest.fixture(scope="module")
def study():
    return compare_bursts(Rifle(), (1, 3, 10), rounds=20, seeds=range(500))


def test_larger_bursts_give_a_smaller_spread(study) -> None:
    spread = study.final_spread
    assert spread[0] > spread[1] > spread[2]
    # shrinks like 1/sqrt(burst); 500 runs measure a spread to about 3 %
    assert spread[0] / spread[1] == pytest.approx(math.sqrt(3), rel=0.1)
    assert spread[0] / spread[2] == pytest.approx(math.sqrt(10), rel=0.1)
    for burst, measured in zip(study.bursts, spread, strict=True):
        predicted = predicted_spread(SPREAD, int(burst), 0.25, 20)
        assert measured == pytest.approx(predicted, rel=0.08)


def test_study_runs_are_the_seeded_sessions(study) -> None:
    for index, burst in enumerate(study.bursts):
        for run in (0, 137, 499):
            session = shoot(Rifle(), rounds=20, burst=int(burst), seed=run)
            np.testing.assert_allclose(
                study.mean_points[index, run], session.mean_points, atol=1e-12
            )


def test_study_shapes_and_table(study) -> None:
    assert study.mean_points.shape == (3, 500, 21, 2)
    assert study.rounds == 20
    assert study.spread.shape == study.rms_miss.shape == (3, 21)
    assert np.all(study.rms_miss >= study.spread - 1e-12)
    np.testing.assert_allclose(study.rms_miss[:, 0], 15.0)  # all start at the offset
    table = study.table(spread=SPREAD).splitlines()
    assert len(table) == 2 + 3
    assert table[2].startswith("| 1 |")


def test_compare_bursts_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="burst size must be at least 1"):
        compare_bursts(Rifle(), (1, 0), rounds=3, seeds=range(3))
    with pytest.raises(ValueError, match="bursts is empty"):
        compare_bursts(Rifle(), (), rounds=3, seeds=range(3))
    with pytest.raises(ValueError, match="seeds is empty"):
        compare_bursts(Rifle(), (1,), rounds=3, seeds=[])


def test_predicted_spread() -> None:
    # full correction: the aim is off by one burst's mean disturbance
    for burst in (1, 3, 10):
        assert predicted_spread(2.0, burst, 0.5, 10) == pytest.approx(
            2.0 * math.sqrt(2 / burst)
        )
    assert predicted_spread(1.0, 1, 0.25, 1) == pytest.approx(math.sqrt(2) * 0.5)
    with pytest.raises(ValueError, match="learning_rate must be below 1"):
        predicted_spread(1.0, 1, 1.0, 5)
    with pytest.raises(ValueError, match="burst must be at least 1"):
        predicted_spread(1.0, 0, 0.25, 5)


# --- forward- and reverse-mode differentiation ---------------------------------------


def test_dual_numbers_carry_the_derivative() -> None:
    x = Dual(0.3, 1.0)
    result = 2.0 + 3 * x * x + x.tan()
    assert result.value == pytest.approx(2 + 0.27 + math.tan(0.3))
    assert result.slope == pytest.approx(6 * 0.3 + 1 / math.cos(0.3) ** 2)


def test_the_tape_pulls_derivatives_back_to_every_input() -> None:
    x, y = Node(0.3), Node(-1.5)
    result = x * y + x.tan() * x + 4.0
    result.backward()
    assert x.gradient == pytest.approx(-1.5 + math.tan(0.3) + 0.3 / math.cos(0.3) ** 2)
    assert y.gradient == pytest.approx(0.3)
    result.backward()  # a second walk starts afresh instead of adding up
    assert y.gradient == pytest.approx(0.3)


@settings(max_examples=50, deadline=None)
@given(
    angles=st.tuples(*[st.floats(-3.0, 3.0)] * 2),
    offset=st.tuples(*[st.floats(-20.0, 20.0)] * 2),
)
def test_forward_and_reverse_mode_agree_with_finite_differences(
    angles: tuple[float, float], offset: tuple[float, float]
) -> None:
    def loss(azimuth, elevation):
        return aim_loss(azimuth, elevation, sight_offset=offset)

    forward = forward_mode_gradient(loss, angles)
    reverse = reverse_mode_gradient(loss, angles)
    finite = central_difference(lambda p: float(loss(*p)), angles, step=1e-5)
    np.testing.assert_allclose(
        forward.gradient, reverse.gradient, rtol=1e-12, atol=1e-9
    )
    np.testing.assert_allclose(reverse.gradient, finite, rtol=1e-5, atol=1e-4)
    assert forward.value == pytest.approx(loss(*angles))
    assert reverse.value == pytest.approx(loss(*angles))


def test_pass_counts() -> None:
    forward = forward_mode_gradient(aim_loss, [0.0, 0.0])
    reverse = reverse_mode_gradient(aim_loss, [0.0, 0.0])
    assert (forward.forward_passes, forward.backward_passes) == (2, 0)
    assert (reverse.forward_passes, reverse.backward_passes) == (1, 1)
    three = forward_mode_gradient(lambda a, b, c: a * b * c, [1.0, 2.0, 3.0])
    assert three.forward_passes == 3
    np.testing.assert_allclose(three.gradient, [6.0, 3.0, 2.0])


def test_aim_loss_pointed_straight() -> None:
    # 1 mrad moves the hit RANGE/1000 cm; dL/dθ = 2·o·RANGE/1000 at θ = 0
    result = reverse_mode_gradient(aim_loss, [0.0, 0.0])
    assert result.value == pytest.approx(15.0**2)
    np.testing.assert_allclose(
        result.gradient, 2 * np.array(SIGHT_OFFSET) * RANGE / 1000
    )


def test_a_constant_function_has_a_zero_gradient() -> None:
    def constant(a, b):
        return 5.0

    np.testing.assert_array_equal(
        forward_mode_gradient(constant, [1.0, 2.0]).gradient, 0
    )
    np.testing.assert_array_equal(
        reverse_mode_gradient(constant, [1.0, 2.0]).gradient, 0
    )


# --- figures ---------------------------------------------------------------------


def test_draw_target_draws_ten_rings() -> None:
    figure = new_figure()
    draw_target(figure.axes[0], Target())
    assert len(figure.axes[0].patches) == RINGS
    assert figure.axes[0].get_xlim() == pytest.approx((-21.0, 21.0))


def test_shot_record_figure() -> None:
    axes = shot_record(FIVE_SHOTS, Target()).axes[0]
    hits = [line for line in axes.lines if line.get_marker() == "o"]
    assert len(hits) == 1
    np.testing.assert_allclose(np.column_stack(hits[0].get_data()),
                               Target().place(FIVE_SHOTS))  # fmt: skip
    notes = [text for text in axes.texts if isinstance(text, Annotation)]
    assert [note.get_text() for note in notes if note.get_text()] == list("12345")
    arrows = [note for note in notes if note.arrow_patch is not None]
    assert len(arrows) == len(FIVE_SHOTS) - 1
    rings = [text.get_text() for text in axes.texts if not isinstance(text, Annotation)]
    assert rings == [str(ring) for ring in range(1, RINGS)]
    legend = [text.get_text() for text in axes.figure.legends[0].get_texts()]
    assert any("error" in text for text in legend)
    assert any("correction" in text for text in legend)


def test_session_figures() -> None:
    single = shoot(Rifle(), rounds=6, seed=2)
    figure = single_shots(single, Target())
    np.testing.assert_allclose(figure.axes[1].lines[0].get_ydata(), single.mean_gaps)
    volley = shoot(Rifle(), rounds=6, burst=3, seed=3)
    assert bursts(volley, Target(), rounds=4).axes[0].get_title() == (
        "Bursts of 3 shots (seed 3)"
    )
    with pytest.raises(ValueError, match="single shots"):
        single_shots(volley, Target())
    with pytest.raises(ValueError, match="rounds must be between 1 and 6"):
        bursts(volley, Target(), rounds=7)


def test_spread_figure(study) -> None:
    figure = spread_by_burst(study, SPREAD)
    by_round, by_burst = figure.axes
    assert len(by_round.lines) == 3
    assert by_round.get_yscale() == by_burst.get_yscale() == "log"
    measured = next(line for line in by_burst.lines if line.get_marker() == "o")
    np.testing.assert_allclose(measured.get_ydata(), study.final_spread)


def test_glue_calls_stay_out_of_sight() -> None:
    """Every glue call of the chapter sits in a cell tagged remove-cell."""
    notebook = jupytext.read(CHAPTER)
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        hidden = "remove-cell" in cell.metadata.get("tags", [])
        if "glue(" in cell.source or "myst_nb" in cell.source:
            assert hidden, cell.source[:200]


# --- the chapter --------------------------------------------------------------------


@pytest.mark.build
def test_chapter_glues_the_records_numbers(built_book) -> None:
    glued = built_book.glued("target-shooting")
    assert glued["ts_rings"] == "1, 6, 7, 8, 10"
    assert glued["ts_deficits"] == "9, 4, 3, 2, 0"
    assert glued["ts_ring_width"] == RING_WIDTH
    assert glued["ts_radius"] == pytest.approx(20.0)
    assert glued["ts_range_m"] == pytest.approx(100.0)
    assert glued["ts_cm_per_mrad"] == pytest.approx(10.0, abs=1e-3)
    assert glued["ts_first_record_gap"] == pytest.approx(19.0)


@pytest.mark.build
def test_chapter_glues_the_simulation(built_book) -> None:
    glued = built_book.glued("target-shooting")
    single = shoot(Rifle(), rounds=10, seed=2)
    assert glued["ts_single_first_gap"] == pytest.approx(single.mean_gaps[0])
    assert glued["ts_single_first_loss"] == pytest.approx(single.mean_gaps[0] ** 2)
    assert glued["ts_single_last_gap"] == pytest.approx(single.mean_gaps[-1])
    assert glued["ts_single_grad_x"] == pytest.approx(single.gradients[0, 0])
    assert glued["ts_single_move_x"] == pytest.approx(-0.25 * single.gradients[0, 0])
    rings = [int(r) for r in str(glued["ts_single_rings"]).split(", ")]
    assert rings == Target().ring_at(single.hits[:, 0]).tolist()
    assert rings[glued["ts_single_first_bullseye"] - 1] == 10
    assert 10 not in rings[: glued["ts_single_first_bullseye"] - 1]
    assert glued["ts_offset_x"] == pytest.approx(12.0)
    assert glued["ts_lr"] == pytest.approx(0.25)
    assert glued["ts_burst_size"] == 3
    assert glued["ts_burst_first_loss"] > glued["ts_burst_last_loss"]


@pytest.mark.build
def test_chapter_glues_the_burst_study(built_book) -> None:
    glued = built_book.glued("target-shooting")
    assert glued["ts_runs"] == 500
    assert glued["ts_last_seed"] == 499
    assert glued["ts_rounds"] == 20
    assert glued["ts_spread_1"] > glued["ts_spread_3"] > glued["ts_spread_10"]
    assert glued["ts_ratio_3"] == pytest.approx(math.sqrt(3), rel=0.1)
    assert glued["ts_ratio_10"] == pytest.approx(math.sqrt(10), rel=0.1)
    assert glued["ts_spread_1"] == pytest.approx(
        predicted_spread(SPREAD, 1, 0.25, 20), rel=0.08
    )


@pytest.mark.build
def test_chapter_glues_the_differentiation_aside(built_book) -> None:
    glued = built_book.glued("target-shooting")
    assert glued["ts_grad_azimuth"] == pytest.approx(-240.0)
    assert glued["ts_grad_elevation"] == pytest.approx(180.0)
    assert glued["ts_forward_passes"] == 2
    assert glued["ts_reverse_forward_passes"] == 1
    assert glued["ts_reverse_backward_passes"] == 1
    assert glued["ts_probes"] == 4
    assert glued["ts_mode_gap"] < 1e-9
    assert glued["ts_grad_pair"] == "(−240, 180)"
    assert glued["ts_finite_gap"] < 1e-4


@pytest.mark.build
def test_chapter_page_shows_the_numbers(built_book) -> None:
    glued = built_book.glued("target-shooting")
    html = built_book.html("target-shooting")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert "are 1, 6, 7, 8, 10." in text
    assert "deficits 9, 4, 3, 2, 0" in text
    assert "9 short, then 8, 2, 1, 0" in text  # the original's mismatch is named
    assert f"scattered by {glued['ts_spread_1']:.2f} cm" in text
    assert f"divides the spread by {glued['ts_ratio_3']:.2f}" in text
    assert "(−240, 180)" in text
    for unit in (" mm ", "millimetre"):  # only where the original is quoted
        assert text.count(unit) <= 2, unit
    assert "Key takeaways" in text
    for label in ("fig-ts-record", "fig-ts-single", "fig-ts-bursts", "fig-ts-spread"):
        assert f'id="{label}"' in html
    assert html.count('class="exercise') >= 2
    # the computed tables are rendered as tables, not shown as Markdown source
    tables = re.findall(r"<table.*?</table>", html, flags=re.DOTALL)
    headers = [re.sub(r"<[^>]+>|\s+", " ", table[:600]) for table in tables]
    for heading in ("direction", "predicted", "backward", "lens"):
        assert any(heading in header for header in headers), heading
    assert "| 1 | 1 | upper left 45°" not in text
    for table in tables:  # narrow enough for a phone
        first_row = re.search(r"<tr.*?</tr>", table, flags=re.DOTALL).group(0)
        assert first_row.count("<th") <= 4
