// Shape documentation as TL202 reads it: shape groups, Returns sections, `# Shape:` comments.
#include <gtest/gtest.h>

#include <string>

#include "linter/parse/parser.h"
#include "linter/semantic/python_docs.h"
#include "linter/semantic/python_model.h"

namespace torchlint {
namespace {

TEST(ShapeGroup, DimensionListsCount) {
  EXPECT_TRUE(has_shape_group("boxes: (N, 4) boxes"));
  EXPECT_TRUE(has_shape_group("scores of shape (N,)"));
  EXPECT_TRUE(has_shape_group("(B, H, W, C)"));
  EXPECT_TRUE(has_shape_group("(n * B, C)"));
  EXPECT_TRUE(has_shape_group("input of shape :math:`(N, C_{in}, H, W)`"));
  EXPECT_TRUE(has_shape_group("(*, H, W)"));
  EXPECT_TRUE(has_shape_group("(..., C)"));
  EXPECT_TRUE(has_shape_group("(batch_size, num_classes)"));
  EXPECT_TRUE(has_shape_group("(B, H // 2, W // 2)"));
}

TEST(ShapeGroup, SingleItemsOnlyWhenUpperCaseOrNumber) {
  EXPECT_TRUE(has_shape_group("weight (B)"));
  EXPECT_TRUE(has_shape_group("a vector (4)"));
  EXPECT_TRUE(has_shape_group("(H*W)"));
  EXPECT_FALSE(has_shape_group("mask (optional)"));
  EXPECT_FALSE(has_shape_group("x (n)"));
  EXPECT_FALSE(has_shape_group("scores (Tensor)"));
}

TEST(ShapeGroup, TypesAndProseAreNotShapes) {
  EXPECT_FALSE(has_shape_group("mask (Tensor, optional): which boxes"));
  EXPECT_FALSE(has_shape_group("eps (float, optional): default 1e-5"));
  EXPECT_FALSE(has_shape_group("(batch size, channels)"));
  EXPECT_FALSE(has_shape_group("(e.g., cats, dogs)"));
  EXPECT_FALSE(has_shape_group("(default: 0)"));
  EXPECT_FALSE(has_shape_group("()"));
  EXPECT_FALSE(has_shape_group("no group at all"));
}

TEST(ShapeGroup, WholeWords) {
  EXPECT_TRUE(contains_word("x: (N, C)", "x"));
  EXPECT_FALSE(contains_word("max (N, C)", "x"));
  EXPECT_FALSE(contains_word("x_in (N, C)", "x"));
  EXPECT_TRUE(contains_word("``x``", "x"));
}

TEST(ReturnsSection, GoogleStyleEndsAtNextHeader) {
  const std::string doc = R"("""Compute.

    Args:
        x: (N, C) input.

    Returns:
        The result.

    Raises:
        ValueError: when x is not (N, C).
    """)";
  const auto section = returns_section(doc);
  ASSERT_FALSE(section.empty());
  EXPECT_FALSE(documents_return_shape(doc));
  EXPECT_TRUE(documents_parameter_shape(doc, "x"));
  EXPECT_FALSE(documents_parameter_shape(doc, "y"));
}

TEST(ReturnsSection, GoogleStyleShapeOrScalar) {
  EXPECT_TRUE(documents_return_shape("\"\"\"Loss.\n\n    Returns:\n        Scalar loss tensor\n    \"\"\""));
  EXPECT_TRUE(documents_return_shape("\"\"\"Boxes.\n\n    Returns:\n        Tensor: (K, 4) kept boxes.\n    \"\"\""));
  EXPECT_TRUE(documents_return_shape("\"\"\"Returns: the (N,) scores.\"\"\""));
  EXPECT_FALSE(documents_return_shape("\"\"\"Returns the (N,) scores without a section.\"\"\""));
  // reST `Examples::` ends the section: shapes in examples do not document the return.
  EXPECT_FALSE(documents_return_shape(
      "\"\"\"Sample.\n\n    Returns:\n        Sampled tensor.\n\n    Examples::\n        >>> torch.randn(20, 32)\n    \"\"\""));
}

TEST(ReturnsSection, NumpyStyle) {
  const std::string doc = R"("""Normalise.

    Parameters
    ----------
    image : Tensor
        An image.

    Returns
    -------
    Tensor
        Shape (B, C, H, W).

    Raises
    ------
    ValueError
        if not scalar.
    """)";
  const auto section = returns_section(doc);
  ASSERT_GE(section.size(), 2U);
  EXPECT_TRUE(documents_return_shape(doc));
  const std::string without = R"("""Normalise.

    Returns
    -------
    Tensor
        The image.

    Raises
    ------
    ValueError
        if it is not (B, C, H, W) or scalar.
    """)";
  EXPECT_FALSE(documents_return_shape(without));
}

TEST(ShapeComment, AnywhereInTheFunction) {
  const std::string source =
      "def f(image: torch.Tensor,  # shape: (B, 3, H, W)\n) -> torch.Tensor:\n    return image\n\n"
      "def g(x: torch.Tensor) -> torch.Tensor:\n    # Shape: (B, C)\n    return x\n\n"
      "def h(x: torch.Tensor) -> torch.Tensor:\n    # the shape is (B, C)\n    return x\n";
  Tree tree = parse(Language::Python, source);
  PythonModel model(tree.get(), source);
  ASSERT_EQ(model.functions().size(), 3U);
  EXPECT_TRUE(has_shape_comment(model.functions()[0].node, source));
  EXPECT_TRUE(has_shape_comment(model.functions()[1].node, source));
  EXPECT_FALSE(has_shape_comment(model.functions()[2].node, source));
}

}  // namespace
}  // namespace torchlint
