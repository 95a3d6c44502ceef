"""The relevance index keeps its weights small (search.relevance.Postings) and still ranks as the exact
weights would."""

import numpy as np
import pytest
from scipy import sparse

from search import relevance


def random_matrix(rows: int, columns: int, seed: int = 7) -> sparse.csc_matrix:
    """Weights as BM25F gives them (positive float32), with a term in most rows, one in a single row, one in
    none, and rows past 65,536 (a roaring bitmap's first block)."""
    generator = np.random.default_rng(seed)
    cells = []
    for column in range(columns):
        share = (0.9, 0.3, 0.01, 0.0)[column % 4]
        found = np.flatnonzero(generator.random(rows) < share)
        if column == 5:
            found = np.array([rows - 1])
        cells += [(row, column, generator.uniform(0.01, 9.0)) for row in found]
    row, column, weight = zip(*cells, strict=True)
    return sparse.csc_matrix(
        (np.asarray(weight, dtype=np.float32), (row, column)), shape=(rows, columns), dtype=np.float32
    )


def test_each_term_keeps_its_rows_and_its_weights_within_half_a_step():
    matrix = random_matrix(70_000, 12)
    postings = relevance.Postings.of(matrix.copy())
    for column in range(matrix.shape[1]):
        exact = matrix[:, [column]].tocoo()
        rows, steps = postings.column(column)
        weights = steps * postings.step_weight[column]
        assert rows.tolist() == sorted(exact.row.tolist())
        expected = np.asarray(exact.data)[np.argsort(exact.row)]
        if len(expected):
            # Half a step, and float32's own rounding.
            tolerance = expected.max() / relevance.WEIGHT_STEPS / 2 + expected.max() * 2**-20
            assert np.abs(weights - expected).max() <= tolerance
            assert np.abs(weights - expected).max() < expected.max() / 100_000
            assert weights.min() > 0  # a term found never weighs nothing
    assert postings.column(3)[0].size == 0
    assert postings.column(5)[0].tolist() == [69_999]


def test_the_postings_take_a_fraction_of_a_sparse_matrix():
    matrix = random_matrix(70_000, 12)
    postings = relevance.Postings.of(matrix.copy())
    kept = sum(
        array.nbytes
        for array in (
            postings.row_sets,
            postings.row_set_offsets,
            postings.steps,
            postings.step_offsets,
            postings.step_weight,
        )
    )
    assert kept < 0.5 * (matrix.data.nbytes + matrix.indices.nbytes + matrix.indptr.nbytes)


@pytest.mark.django_db
def test_products_whose_scores_differ_by_little_keep_their_order():
    """Two products a hair apart on the need's words: the kept weights put them in the order of the exact
    ones, as every pair further apart than a step."""
    phrases = relevance.Phrases()
    documents = [
        (1, {"title": "Budget advocacy", "summary": "Budget tracking by councils " + "word " * 40}),
        (2, {"title": "Budget advocacy", "summary": "Budget tracking by councils " + "word " * 41}),
        (3, {"title": "Water points", "summary": "Water in the villages"}),
    ]
    index = relevance.build_text_index(documents, phrases)
    scores = index.scores({"budget": 1.0, "track": 0.5})
    assert scores[0] > scores[1] > 0  # the shorter summary first, as BM25F's length normalisation has it
    assert scores[2] == 0


@pytest.mark.django_db
def test_a_products_tags_are_words_of_it_and_their_names_phrases():
    """A product tagged "mangrove restoration", without the words in its text, is what a need asking for
    them finds first; the tag's name counts as one term as well as two."""
    from tests.factories import ProductFactory

    tagged = ProductFactory(
        title="Coastal livelihoods", summary="Lessons from two deltas.", tags=["mangrove restoration"]
    )
    ProductFactory(title="Restoration of a town hall", summary="Mangrove-free lessons.", tags=["buildings"])
    index = relevance.build()
    assert "mangrov restor" in index.text.vocabulary
    ranked = relevance.rank(index, relevance.query("Mangrove restoration", "", index.text.phrases))
    assert ranked[0].product_id == tagged.pk
