# Fixture of the headless-Neovim LSP test (tests/lsp/nvim_e2e.sh): in-place calls
# after non-ASCII text on the same line, and one beside a noqa list to extend.
import torch


def scale(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    label = "é😀"; x.mul_(2)
    y.add_(x)  # noqa: E501
    return x + y
