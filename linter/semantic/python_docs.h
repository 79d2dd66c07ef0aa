#pragma once
// Docstrings and comments of a Python function, read the way the shape-documentation rule
// (TL202) needs them: shape groups such as `(N, 4)`, a docstring's Returns section, and
// `# Shape: (B, H, W, C)` comments.
#include <tree_sitter/api.h>

#include <string_view>
#include <vector>

namespace torchlint {

// True when `text` holds a shape group: a parenthesised, comma-separated list of dimensions
// (`(N, 4)`, `(N,)`, `(B, H, W, C)`, `(n * B, C)`, `(*, H, W)`, `(N, C_{in})`). A group of a
// single item without a comma counts only when the item is upper-case or a number (`(B)`,
// `(4)`; not `(optional)`). Type words (`(Tensor, optional)`, `(int)`) are not dimensions.
bool has_shape_group(std::string_view text);

// True when `text` contains `word` delimited by non-identifier characters.
bool contains_word(std::string_view text, std::string_view word);

// The lines of a docstring's Returns section: Google style (`Returns:` up to the next
// section header at the same or a smaller indent, or the end; text after `Returns:` on the
// header line included) or NumPy style (`Returns` over a line of dashes, up to the next
// such header). Empty when there is none.
std::vector<std::string_view> returns_section(std::string_view docstring);

// The docstring documents the shape of parameter `name`: a line containing the name as a
// whole word and a shape group.
bool documents_parameter_shape(std::string_view docstring, std::string_view name);

// The docstring documents the returned shape: a line of its Returns section with a shape
// group or the word `scalar` (any case).
bool documents_return_shape(std::string_view docstring);

// The comments inside a node (a function_definition: its signature and body).
std::vector<TSNode> comments_in(TSNode node);

// The function contains a comment starting with `Shape:` (any case), which documents all of
// its tensors.
bool has_shape_comment(TSNode function_definition, std::string_view source);

}  // namespace torchlint
