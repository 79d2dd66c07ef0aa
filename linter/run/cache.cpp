#include "linter/run/cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "linter/run/rule.h"

namespace torchlint {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMagic = "TLCACHE4";

std::uint64_t fnv1a(std::string_view data, std::uint64_t hash = 1469598103934665603ULL) {
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

// The binary's own identity: a rebuilt torchlint must not trust an older cache.
std::string binary_identity() {
  std::string identity = TORCHLINT_VERSION;
  struct stat info {};
  if (::stat("/proc/self/exe", &info) == 0) {
    identity += ":" + std::to_string(info.st_size) + ":" + std::to_string(info.st_mtim.tv_sec) + "." +
                std::to_string(info.st_mtim.tv_nsec);
  }
  return identity;
}

class Writer {
 public:
  void u64(std::uint64_t value) { out_.append(reinterpret_cast<const char*>(&value), sizeof value); }
  void u32(std::uint32_t value) { out_.append(reinterpret_cast<const char*>(&value), sizeof value); }
  void str(std::string_view text) {
    u32(static_cast<std::uint32_t>(text.size()));
    out_.append(text);
  }
  void position(const Position& p) {
    u32(p.row);
    u32(p.column);
  }
  void range(const Range& r) {
    position(r.start);
    position(r.end);
  }
  [[nodiscard]] const std::string& data() const { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool u64(std::uint64_t& value) { return raw(&value, sizeof value); }
  bool u32(std::uint32_t& value) { return raw(&value, sizeof value); }
  bool str(std::string& text) {
    std::string_view view;
    if (!str_view(view)) return false;
    text.assign(view);
    return true;
  }
  bool str_view(std::string_view& text) {
    std::uint32_t size = 0;
    if (!u32(size) || size > data_.size() - offset_) return false;
    text = data_.substr(offset_, size);
    offset_ += size;
    return true;
  }
  bool position(Position& p) { return u32(p.row) && u32(p.column); }
  bool range(Range& r) { return position(r.start) && position(r.end); }
  [[nodiscard]] bool done() const { return offset_ == data_.size(); }

 private:
  bool raw(void* out, std::size_t size) {
    if (size > data_.size() - offset_) return false;
    std::memcpy(out, data_.data() + offset_, size);
    offset_ += size;
    return true;
  }
  std::string_view data_;
  std::size_t offset_ = 0;
};

void write_diagnostic(Writer& w, const Diagnostic& d) {
  w.str(d.rule->code);
  w.u32(static_cast<std::uint32_t>(d.level));
  w.str(d.message);
  w.range(d.range);
  w.u32(d.start_byte);
  w.u32(d.end_byte);
  w.u32(d.noqa_row);
  w.u32(d.cell ? *d.cell + 1 : 0);
  w.u32(d.fix ? 1 : 0);
  if (d.fix) {
    w.str(d.fix->message);
    w.u32(static_cast<std::uint32_t>(d.fix->applicability));
    w.u32(static_cast<std::uint32_t>(d.fix->edits.size()));
    for (const auto& edit : d.fix->edits) {
      w.u32(edit.start);
      w.u32(edit.end);
      w.str(edit.content);
      w.range(edit.range);
    }
  }
}

bool read_diagnostic(Reader& r, Diagnostic& d) {
  std::string code;
  std::uint32_t level = 0, cell = 0, has_fix = 0;
  if (!r.str(code) || !r.u32(level) || !r.str(d.message) || !r.range(d.range) || !r.u32(d.start_byte) ||
      !r.u32(d.end_byte) || !r.u32(d.noqa_row) || !r.u32(cell) || !r.u32(has_fix)) {
    return false;
  }
  const Rule* rule = find_rule(code);
  if (rule == nullptr || level > 2) return false;
  d.rule = &rule->info;
  d.level = static_cast<Level>(level);
  if (cell != 0) d.cell = cell - 1;
  if (has_fix != 0) {
    Fix fix;
    std::uint32_t applicability = 0, count = 0;
    if (!r.str(fix.message) || !r.u32(applicability) || !r.u32(count) || applicability > 2) return false;
    fix.applicability = static_cast<Applicability>(applicability);
    for (std::uint32_t i = 0; i < count; ++i) {
      Edit edit;
      if (!r.u32(edit.start) || !r.u32(edit.end) || !r.str(edit.content) || !r.range(edit.range)) return false;
      fix.edits.push_back(std::move(edit));
    }
    d.fix = std::move(fix);
  }
  return true;
}

void write_strings(Writer& w, const auto& strings) {
  w.u32(static_cast<std::uint32_t>(strings.size()));
  for (const auto& text : strings) w.str(text);
}

template <class Container>
bool read_strings(Reader& r, Container& out) {
  std::uint32_t count = 0;
  if (!r.u32(count)) return false;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::string text;
    if (!r.str(text)) return false;
    out.insert(out.end(), std::move(text));
  }
  return true;
}

void write_extras(Writer& w, const ProjectExtras& extras) {
  w.u32(extras.is_test_file ? 1 : 0);
  w.u32(static_cast<std::uint32_t>(extras.facts.losses.size()));
  for (const auto& loss : extras.facts.losses) {
    w.str(loss.name);
    w.u32(loss.start_byte);
    w.u32(loss.end_byte);
    w.u32(loss.is_class ? 1 : 0);
    w.range(loss.range);
  }
  w.u32(static_cast<std::uint32_t>(extras.facts.tests.size()));
  for (const auto& test : extras.facts.tests) {
    w.str(test.file);
    w.str(test.name);
    write_strings(w, test.referenced);
    w.u32((test.calls_backward ? 1U : 0U) | (test.distributed ? 2U : 0U) | (test.dtype_parametrized ? 4U : 0U));
    write_strings(w, test.dtypes);
  }
  const auto& entries = extras.suppressions.entries();
  w.u32(static_cast<std::uint32_t>(entries.size()));
  for (const auto& entry : entries) {
    w.u32(entry.first_row);
    w.u32(entry.last_row);
    w.u32((entry.file_level ? 1U : 0U) | (entry.all_codes ? 2U : 0U));
    write_strings(w, entry.codes);
    w.u32(entry.comment_start);
    w.u32(entry.comment_end);
  }
}

bool read_extras(Reader& r, ProjectExtras& extras) {
  std::uint32_t flag = 0, count = 0;
  if (!r.u32(flag)) return false;
  extras.is_test_file = flag != 0;
  if (!r.u32(count)) return false;
  for (std::uint32_t i = 0; i < count; ++i) {
    LossDefinition loss;
    std::uint32_t is_class = 0;
    if (!r.str(loss.name) || !r.u32(loss.start_byte) || !r.u32(loss.end_byte) || !r.u32(is_class) ||
        !r.range(loss.range)) {
      return false;
    }
    loss.is_class = is_class != 0;
    extras.facts.losses.push_back(std::move(loss));
  }
  if (!r.u32(count)) return false;
  for (std::uint32_t i = 0; i < count; ++i) {
    TestFunction test;
    std::uint32_t flags = 0;
    if (!r.str(test.file) || !r.str(test.name) || !read_strings(r, test.referenced) || !r.u32(flags) ||
        !read_strings(r, test.dtypes)) {
      return false;
    }
    test.calls_backward = (flags & 1U) != 0;
    test.distributed = (flags & 2U) != 0;
    test.dtype_parametrized = (flags & 4U) != 0;
    extras.facts.tests.push_back(std::move(test));
  }
  if (!r.u32(count)) return false;
  for (std::uint32_t i = 0; i < count; ++i) {
    Suppression entry;
    std::uint32_t flags = 0;
    if (!r.u32(entry.first_row) || !r.u32(entry.last_row) || !r.u32(flags) || !read_strings(r, entry.codes) ||
        !r.u32(entry.comment_start) || !r.u32(entry.comment_end)) {
      return false;
    }
    entry.file_level = (flags & 1U) != 0;
    entry.all_codes = (flags & 2U) != 0;
    extras.suppressions.add_entry(std::move(entry));
  }
  return true;
}

}  // namespace

std::optional<FileStamp> stamp_of(const fs::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
  return FileStamp{static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec,
                   static_cast<std::uint64_t>(info.st_size)};
}

std::uint64_t settings_fingerprint(const ResolvedSettings& resolved) {
  const Settings& s = resolved.settings;
  std::ostringstream key;
  for (const Rule* rule : resolved.rules.rules()) key << rule->info.code << ',';
  key << '|' << s.root.string() << '|';
  for (const auto& [glob, codes] : s.per_file_ignores) {
    key << glob << '=';
    for (const auto& code : codes) key << code << ',';
    key << ';';
  }
  auto list = [&](const std::vector<std::string>& values) {
    for (const auto& value : values) key << value << ',';
    key << '|';
  };
  list(s.src);
  list(s.inplace_extend_allow);
  list(s.test_patterns);
  list(s.required_dtypes);
  list(s.attribute_macros);
  key << s.max_statements << '|' << s.max_complexity << '|' << s.ignore_fully_untyped << '|'
      << s.compile_commands.value_or("") << '|' << binary_identity();
  return fnv1a(key.str());
}

namespace {

std::string encode_payload(const CachedFile& entry) {
  Writer w;
  w.u32(static_cast<std::uint32_t>(entry.diagnostics.size()));
  for (const auto& diagnostic : entry.diagnostics) write_diagnostic(w, diagnostic);
  write_extras(w, entry.extras);
  return w.data();
}

bool decode_payload(std::string_view payload, CachedFile& entry) {
  Reader reader(payload);
  std::uint32_t diagnostics = 0;
  if (!reader.u32(diagnostics) || diagnostics > payload.size()) return false;
  entry.diagnostics.reserve(diagnostics);
  for (std::uint32_t d = 0; d < diagnostics; ++d) {
    Diagnostic diagnostic;
    if (!read_diagnostic(reader, diagnostic)) return false;
    entry.diagnostics.push_back(std::move(diagnostic));
  }
  return read_extras(reader, entry.extras) && reader.done();
}

}  // namespace

LintCache::LintCache(fs::path directory) : file_(std::move(directory) / TORCHLINT_VERSION / "cache.bin") {
  std::ifstream stream(file_, std::ios::binary);
  if (!stream) return;
  std::string data;
  std::error_code ec;
  data.resize(static_cast<std::size_t>(fs::file_size(file_, ec)));
  if (ec || !stream.read(data.data(), static_cast<std::streamsize>(data.size()))) return;
  if (!std::string_view(data).starts_with(kMagic)) return;
  Reader reader(std::string_view(data).substr(kMagic.size()));
  std::map<std::string, Entry> entries;
  std::uint32_t count = 0;
  if (!reader.u32(count)) return;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::string key;
    Entry entry;
    std::uint64_t mtime = 0;
    std::string_view payload;
    if (!reader.str(key) || !reader.u64(mtime) || !reader.u64(entry.stamp.size) || !reader.u64(entry.settings) ||
        !reader.str_view(payload)) {
      return;
    }
    entry.stamp.mtime_ns = static_cast<std::int64_t>(mtime);
    entry.payload.assign(payload);
    entries.emplace(std::move(key), std::move(entry));
  }
  if (reader.done()) entries_ = std::move(entries);
}

std::optional<CachedFile> LintCache::lookup(const std::string& key, const FileStamp& stamp,
                                            std::uint64_t settings) const {
  std::string payload;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.stamp != stamp || it->second.settings != settings) return std::nullopt;
    payload = it->second.payload;
  }
  // Decoded outside the lock; a damaged entry is a miss (the file is linted again).
  CachedFile entry;
  entry.stamp = stamp;
  entry.settings = settings;
  if (!decode_payload(payload, entry)) return std::nullopt;
  return entry;
}

void LintCache::store(const std::string& key, CachedFile entry) {
  Entry encoded{entry.stamp, entry.settings, encode_payload(entry)};
  std::lock_guard lock(mutex_);
  entries_[key] = std::move(encoded);
  dirty_ = true;
}

void LintCache::save() const {
  std::lock_guard lock(mutex_);
  if (!dirty_) return;
  Writer w;
  w.u32(static_cast<std::uint32_t>(entries_.size()));
  for (const auto& [key, entry] : entries_) {
    w.str(key);
    w.u64(static_cast<std::uint64_t>(entry.stamp.mtime_ns));
    w.u64(entry.stamp.size);
    w.u64(entry.settings);
    w.str(entry.payload);
  }
  std::error_code ec;
  fs::create_directories(file_.parent_path(), ec);
  // Like Ruff's cache: never committed, never linted.
  const fs::path ignore = file_.parent_path().parent_path() / ".gitignore";
  if (!fs::exists(ignore, ec)) std::ofstream(ignore) << "# Automatically created by torchlint.\n*\n";
  // A unique temporary name per writer, then an atomic rename over the old cache.
  std::random_device random;
  const fs::path temporary =
      file_.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(random());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) {
      std::cerr << "torchlint: warning: cannot write cache " << temporary.string() << "\n";
      return;
    }
    out << kMagic << w.data();
    if (!out.flush()) {
      std::cerr << "torchlint: warning: cannot write cache " << temporary.string() << "\n";
      fs::remove(temporary, ec);
      return;
    }
  }
  fs::rename(temporary, file_, ec);
  if (ec) {
    std::cerr << "torchlint: warning: cannot update cache " << file_.string() << ": " << ec.message() << "\n";
    fs::remove(temporary, ec);
  }
}

}  // namespace torchlint
