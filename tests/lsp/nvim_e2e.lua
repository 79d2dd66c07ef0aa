-- End-to-end test of `torchlint server` with Neovim's built-in LSP client, run by
-- nvim_e2e.sh: open the fixture, wait for diagnostics, apply the server's
-- "Suppress TLxxx on this line" quick fixes (Neovim then sends incremental changes),
-- stop the client, and write what Neovim saw to $OUT for an exact comparison.
local torchlint = assert(os.getenv('TORCHLINT'), 'TORCHLINT is not set')
local fixture = assert(os.getenv('FIXTURE'), 'FIXTURE is not set')
local out_path = assert(os.getenv('OUT'), 'OUT is not set')
local TIMEOUT_MS = 20000

local lines = {}
local function say(text) table.insert(lines, text) end

local function write_out()
  local file = assert(io.open(out_path, 'w'))
  file:write(table.concat(lines, '\n') .. '\n')
  file:close()
end

local severity_names = { 'error', 'warning', 'info', 'hint' }

local function record_diagnostics(buf)
  local diagnostics = vim.diagnostic.get(buf)
  table.sort(diagnostics, function(a, b)
    return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
  end)
  if #diagnostics == 0 then say('(no diagnostics)') end
  for _, d in ipairs(diagnostics) do
    local lsp = d.user_data and d.user_data.lsp or {}
    local href = lsp.codeDescription and lsp.codeDescription.href or '-'
    say(string.format('%d:%d-%d:%d %s %s %s %s %s', d.lnum, d.col, d.end_lnum, d.end_col,
      severity_names[d.severity], tostring(d.code), tostring(d.source), href, d.message))
  end
end

local function wait_for(what, predicate)
  if not vim.wait(TIMEOUT_MS, predicate, 10) then error('timed out waiting for ' .. what) end
end

-- Asks the server for code actions on 0-based `line` and applies the suppression.
local function suppress_on_line(buf, client, line)
  local context_diagnostics = {}
  if vim.lsp.diagnostic.get_line_diagnostics then
    context_diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf, line)
  end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = line, character = 0 }, ['end'] = { line = line, character = 0 } },
    context = { diagnostics = context_diagnostics },
  }
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, TIMEOUT_MS)
  assert(responses, 'no answer to textDocument/codeAction')
  for _, response in pairs(responses) do
    assert(not response.error, vim.inspect(response.error))
    for _, action in ipairs(response.result or {}) do
      if action.title:match('^Suppress ') then
        say('action: ' .. action.title .. ' (' .. action.kind .. ')')
        vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
        return
      end
    end
  end
  error('no suppression action offered for line ' .. line)
end

local function main()
  vim.cmd('edit ' .. vim.fn.fnameescape(fixture))
  local buf = vim.api.nvim_get_current_buf()
  local server_exit = nil
  local config = {
    name = 'torchlint',
    cmd = { torchlint, 'server', '--debounce-ms', '0' },
    root_dir = vim.fn.fnamemodify(fixture, ':p:h'),
    flags = { debounce_text_changes = 0 },
    on_exit = function(code) server_exit = code end,
  }
  local client_id
  if vim.lsp.start then -- Neovim 0.8+
    client_id = vim.lsp.start(config)
  else -- Neovim 0.7
    client_id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(buf, client_id)
  end
  assert(client_id, 'the LSP client did not start')
  local client = vim.lsp.get_client_by_id(client_id)

  wait_for('diagnostics', function() return #vim.diagnostic.get(buf) == 2 end)
  say('encoding: ' .. client.offset_encoding)
  say('initial')
  record_diagnostics(buf)

  suppress_on_line(buf, client, 7)
  wait_for('line 7 suppressed', function() return #vim.diagnostic.get(buf) == 1 end)
  say('line 7: ' .. vim.api.nvim_buf_get_lines(buf, 7, 8, true)[1])
  record_diagnostics(buf)

  suppress_on_line(buf, client, 6)
  wait_for('line 6 suppressed', function() return #vim.diagnostic.get(buf) == 0 end)
  say('line 6: ' .. vim.api.nvim_buf_get_lines(buf, 6, 7, true)[1])
  record_diagnostics(buf)

  vim.lsp.stop_client(client_id)
  wait_for('the server to exit', function() return server_exit ~= nil end)
  say('server exit: ' .. tostring(server_exit))
end

local ok, err = pcall(main)
if not ok then say('FAILED: ' .. tostring(err)) end
write_out()
vim.cmd(ok and 'qall!' or 'cquit!')
