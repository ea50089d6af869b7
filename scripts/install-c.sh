#!/usr/bin/env bash
# Installs the C library the way C and C++ users expect to find it:
#   PREFIX/lib/libwazap.so.0.1.0 (SONAME libwazap.so.0) + libwazap.so.0 and libwazap.so links
#   PREFIX/lib/libwazap.a
#   PREFIX/include/wazap.h (C) and wazap.hpp (header-only C++17 RAII wrappers)
#   PREFIX/lib/pkgconfig/wazap.pc            pkg-config --cflags --libs wazap  (--static too)
#   PREFIX/lib/cmake/wazap/wazapConfig.cmake find_package(wazap): wazap::wazap, wazap::wazap_static
#
# Usage: ./scripts/install-c.sh [--prefix DIR] [--destdir DIR] [--profile release|dev]
#                               [--lib-dir DIR]
#   --prefix   where the files are meant to live (default /usr/local); written into wazap.pc
#   --destdir  a staging root the files are copied under (packagers' DESTDIR), default none
#   --profile  the cargo profile to build (default release)
#   --lib-dir  take libwazap_ffi.a from DIR instead of building it (the tests do this)
#
# The shared library is linked here from the static archive rather than copied from cargo's
# cdylib: cargo cannot give a cdylib a SONAME without giving it to the in-tree library too, and
# a library without a SONAME cannot be upgraded in place. A version script exports wazap_* only.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=/usr/local
destdir=""
profile=release
lib_dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --destdir) destdir="$2"; shift 2 ;;
    --profile) profile="$2"; shift 2 ;;
    --lib-dir) lib_dir="$2"; shift 2 ;;
    *) echo "usage: $0 [--prefix DIR] [--destdir DIR] [--profile release|dev] [--lib-dir DIR]" >&2
       exit 2 ;;
  esac
done
case "$prefix" in /*) ;; *) echo "error: --prefix must be an absolute path" >&2; exit 2 ;; esac

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
major=${version%%.*}

if [ -z "$lib_dir" ]; then
  echo "== cargo build -p wazap-ffi --profile $profile"
  cargo build -p wazap-ffi --profile "$profile"
  target_dir=$(cargo metadata --format-version 1 --no-deps |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
  case "$profile" in dev) lib_dir="$target_dir/debug" ;; *) lib_dir="$target_dir/$profile" ;; esac
fi
archive="$lib_dir/libwazap_ffi.a"
[ -f "$archive" ] || { echo "error: no $archive" >&2; exit 1; }

# What the Rust standard library and the bundled SQLite need from the system when linking the
# archive (rustc --print native-static-libs on Linux).
native_libs="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"

root="$destdir$prefix"
libdir="$root/lib"
includedir="$root/include"
mkdir -p "$libdir/pkgconfig" "$libdir/cmake/wazap" "$includedir"

echo "== $libdir/libwazap.a"
install -m 644 "$archive" "$libdir/libwazap.a"

echo "== $libdir/libwazap.so.$version (SONAME libwazap.so.$major)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '{\n  global: wazap_*;\n  local: *;\n};\n' >"$work/exports.map"
${CC:-cc} -shared -o "$work/libwazap.so.$version" \
  -Wl,-soname,"libwazap.so.$major" -Wl,--version-script="$work/exports.map" -Wl,--gc-sections \
  -Wl,--whole-archive "$archive" -Wl,--no-whole-archive $native_libs
install -m 755 "$work/libwazap.so.$version" "$libdir/libwazap.so.$version"
ln -sfn "libwazap.so.$version" "$libdir/libwazap.so.$major"
ln -sfn "libwazap.so.$major" "$libdir/libwazap.so"

echo "== $includedir/wazap.h, wazap.hpp"
install -m 644 include/wazap.h include/wazap.hpp "$includedir/"

echo "== $libdir/pkgconfig/wazap.pc"
cat >"$libdir/pkgconfig/wazap.pc" <<EOF
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: wazap
Description: A WhatsApp Web multi-device client library (C API)
Version: $version
Libs: -L\${libdir} -lwazap
Libs.private: $native_libs
Cflags: -I\${includedir}
EOF

echo "== $libdir/cmake/wazap/wazapConfig.cmake"
# Relative to the config file, so that the installed tree can be moved (or staged by DESTDIR).
cat >"$libdir/cmake/wazap/wazapConfig.cmake" <<EOF
# wazap's CMake package: find_package(wazap CONFIG REQUIRED), then link wazap::wazap (shared)
# or wazap::wazap_static.
get_filename_component(_wazap_prefix "\${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(wazap_VERSION $version)
set(wazap_INCLUDE_DIRS "\${_wazap_prefix}/include")
find_package(Threads REQUIRED)
if(NOT TARGET wazap::wazap)
  add_library(wazap::wazap SHARED IMPORTED)
  set_target_properties(wazap::wazap PROPERTIES
    IMPORTED_LOCATION "\${_wazap_prefix}/lib/libwazap.so.$version"
    IMPORTED_SONAME "libwazap.so.$major"
    INTERFACE_INCLUDE_DIRECTORIES "\${_wazap_prefix}/include")
endif()
if(NOT TARGET wazap::wazap_static)
  add_library(wazap::wazap_static STATIC IMPORTED)
  set_target_properties(wazap::wazap_static PROPERTIES
    IMPORTED_LOCATION "\${_wazap_prefix}/lib/libwazap.a"
    INTERFACE_INCLUDE_DIRECTORIES "\${_wazap_prefix}/include"
    INTERFACE_LINK_LIBRARIES "Threads::Threads;\${CMAKE_DL_LIBS};m;rt;util")
endif()
unset(_wazap_prefix)
EOF
cat >"$libdir/cmake/wazap/wazapConfigVersion.cmake" <<EOF
# Compatible when the major version matches and the installed version is not older.
set(PACKAGE_VERSION $version)
if(PACKAGE_FIND_VERSION_MAJOR STREQUAL "$major" AND
   NOT PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION VERSION_EQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
else()
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
endif()
EOF
echo "installed wazap $version under $root"
