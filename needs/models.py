"""Knowledge needs of the new partnerships, and the learning activities built on them."""
