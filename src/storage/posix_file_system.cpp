#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "weft/storage/file_system.hpp"

namespace weft::storage {
namespace {

class Fd {
 public:
  explicit Fd(int fd) noexcept : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  [[nodiscard]] int get() const noexcept { return fd_; }

 private:
  int fd_;
};

class PosixFile final : public File {
 public:
  explicit PosixFile(int fd) noexcept : fd_(fd) {}

  result<std::uint64_t> size() override {
    struct stat st {};
    if (::fstat(fd_.get(), &st) != 0) return storage_errc::io_error;
    return static_cast<std::uint64_t>(st.st_size);
  }
  result<void> read_at(std::uint64_t offset, std::span<std::uint8_t> out) override {
    std::size_t done = 0;
    while (done < out.size()) {
      const ssize_t n = ::pread(fd_.get(), out.data() + done, out.size() - done,
                                static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return storage_errc::io_error;
      done += static_cast<std::size_t>(n);
    }
    return {};
  }
  result<void> write_at(std::uint64_t offset, std::span<const std::uint8_t> bytes) override {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::pwrite(fd_.get(), bytes.data() + done, bytes.size() - done,
                                 static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return storage_errc::io_error;
      done += static_cast<std::size_t>(n);
    }
    return {};
  }
  result<void> truncate(std::uint64_t size) override {
    if (::ftruncate(fd_.get(), static_cast<off_t>(size)) != 0) return storage_errc::io_error;
    return {};
  }
  result<void> sync() override {
    // No retry on EINTR or anything else: after a failed fdatasync the page
    // cache may have dropped the dirty data, so the caller must give up.
    if (::fdatasync(fd_.get()) != 0) return storage_errc::io_error;
    return {};
  }

 private:
  Fd fd_;
};

class PosixLock final : public FileLock {
 public:
  explicit PosixLock(int fd) noexcept : fd_(fd) {}

 private:
  Fd fd_;  // closing the descriptor releases the flock
};

class PosixFileSystem final : public FileSystem {
 public:
  result<std::unique_ptr<File>> open(const std::string& path, OpenMode mode) override {
    int flags = O_CLOEXEC;
    switch (mode) {
      case OpenMode::read:
        flags |= O_RDONLY;
        break;
      case OpenMode::read_write:
        flags |= O_RDWR;
        break;
      case OpenMode::create:
        flags |= O_RDWR | O_CREAT | O_TRUNC;
        break;
    }
    int fd = -1;
    do {
      fd = ::open(path.c_str(), flags, 0644);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return errno == ENOENT ? storage_errc::not_found : storage_errc::io_error;
    return std::unique_ptr<File>(new PosixFile(fd));
  }
  result<void> rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return storage_errc::io_error;
    return {};
  }
  result<void> remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return storage_errc::io_error;
    return {};
  }
  result<std::vector<std::string>> list(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return errno == ENOENT ? storage_errc::not_found : storage_errc::io_error;
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    const bool failed = errno != 0;
    ::closedir(d);
    if (failed) return storage_errc::io_error;
    return names;
  }
  result<void> sync_dir(const std::string& dir) override {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return storage_errc::io_error;
    Fd guard(fd);
    if (::fsync(fd) != 0) return storage_errc::io_error;
    return {};
  }
  result<bool> create_dir(const std::string& dir) override {
    if (::mkdir(dir.c_str(), 0755) == 0) return true;
    if (errno == EEXIST) return false;
    return storage_errc::io_error;
  }
  result<std::unique_ptr<FileLock>> lock(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return storage_errc::io_error;
    // flock (not fcntl) locks belong to the open file description, so a second
    // open in the same process conflicts too, and the kernel drops the lock
    // when a killed process's descriptors close.
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      ::close(fd);
      return err == EWOULDBLOCK ? storage_errc::locked : storage_errc::io_error;
    }
    return std::unique_ptr<FileLock>(new PosixLock(fd));
  }
};

}  // namespace

std::shared_ptr<FileSystem> posix_file_system() {
  static const auto fs = std::make_shared<PosixFileSystem>();
  return fs;
}

}  // namespace weft::storage
