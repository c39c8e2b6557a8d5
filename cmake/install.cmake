# install.cmake — where an installed cepci-kiosk puts its files, and how the
# binary finds them (included from the top CMakeLists.txt, after the
# cepci-kiosk target exists).
#
#   bin/cepci-kiosk                              the kiosk and its command line
#   share/cepci-kiosk/assets/                    Carta, privacy notice, attract texts
#   share/doc/cepci-kiosk/examples/ecosur.example.ini
#   share/man/man1/cepci-kiosk.1.gz              the manual page
#   lib/systemd/system/cepci-kiosk.service       boots the machine into the kiosk
#   /etc/cepci-kiosk/kiosk.ini                   the config of an installed kiosk
#   /etc/pam.d/cepci-kiosk                       the session of the xinit variant (README)
#
# (/lib/systemd/system and /etc when the prefix is /usr, as Debian 12 wants
# them; below any other prefix otherwise.)
#
# The data dir keeps the source tree's assets/ folder, so every default path
# (config_defaults: "assets/carta-compromiso.txt", ...) is the same in the
# source tree, the build tree and an install. kiosk/main.c explains the
# order in which the binary looks for it; the build tree gets a symlink
# build/assets -> <source>/assets so the binary found there (tests, demo)
# uses the sources' texts without ever naming the source folder.
#
# CK_SYSTEM_PATHS (the Debian package turns it on, see cmake/package.cmake)
# makes the installed system's paths the defaults: --db
# /var/lib/cepci-kiosk/cepci-kiosk.db and, when it exists, --config
# /etc/cepci-kiosk/kiosk.ini. Without it --db defaults to ./cepci-kiosk.db.
include(GNUInstallDirs)

option(CK_SYSTEM_PATHS "Default --db and --config to /var/lib/cepci-kiosk and /etc/cepci-kiosk (the package build)" OFF)

set(CK_DATADIR "${CMAKE_INSTALL_FULL_DATADIR}/cepci-kiosk")
set(CK_STATEDIR "${CMAKE_INSTALL_FULL_LOCALSTATEDIR}/lib/cepci-kiosk")
set(CK_CONFDIR "${CMAKE_INSTALL_FULL_SYSCONFDIR}/cepci-kiosk")
# Debian 12 ships units in /lib/systemd/system (the /usr-merge moratorium:
# dpkg must not see files move between /lib and /usr/lib).
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(CK_UNITDIR "/lib/systemd/system")
else()
  set(CK_UNITDIR "lib/systemd/system")
endif()
set(CK_PAMDIR "${CMAKE_INSTALL_FULL_SYSCONFDIR}/pam.d")
file(RELATIVE_PATH CK_BIN_TO_DATA "${CMAKE_INSTALL_FULL_BINDIR}" "${CK_DATADIR}")

target_compile_definitions(cepci-kiosk PRIVATE
  CK_VERSION="${PROJECT_VERSION}"
  CK_DATADIR="${CK_DATADIR}"
  CK_BIN_TO_DATA="${CK_BIN_TO_DATA}")
if(CK_SYSTEM_PATHS)
  target_compile_definitions(cepci-kiosk PRIVATE CK_SYSTEM_PATHS=1
    CK_DEFAULT_DB="${CK_STATEDIR}/cepci-kiosk.db"
    CK_DEFAULT_CONFIG="${CK_CONFDIR}/kiosk.ini")
endif()

# The build tree is a data dir too (kiosk/main.c looks next to the binary).
if(NOT EXISTS ${CMAKE_BINARY_DIR}/assets)
  file(CREATE_LINK ${CMAKE_SOURCE_DIR}/assets ${CMAKE_BINARY_DIR}/assets SYMBOLIC)
endif()

# The manual page is installed compressed, as Debian policy asks (gzip -9n:
# no name or timestamp, so the package is reproducible).
find_program(CK_GZIP gzip REQUIRED)
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/cepci-kiosk.1.gz
  COMMAND ${CK_GZIP} -9nc ${CMAKE_SOURCE_DIR}/packaging/cepci-kiosk.1 > ${CMAKE_BINARY_DIR}/cepci-kiosk.1.gz
  DEPENDS ${CMAKE_SOURCE_DIR}/packaging/cepci-kiosk.1
  COMMENT "Compressing the manual page")
add_custom_target(ck_manpage ALL DEPENDS ${CMAKE_BINARY_DIR}/cepci-kiosk.1.gz)

# /etc/cepci-kiosk/kiosk.ini is the example config with the installed
# system's paths (assets from the data dir, exports and backups in the state
# dir), made at configure time so it follows the example.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/config/ecosur.example.ini)
file(READ ${CMAKE_SOURCE_DIR}/config/ecosur.example.ini CK_INI)
foreach(pair "../assets/|${CK_DATADIR}/assets/" "../exports|${CK_STATEDIR}/exports"
             "../backups|${CK_STATEDIR}/backups"
             "Copy this file, adapt it, and pass it with --config.|The kiosk reads this file unless --config names another one."
             "Relative paths are relative to the folder of this file.|Made from ${CMAKE_INSTALL_FULL_DOCDIR}/examples/ecosur.example.ini (see cepci-kiosk(1)).")
  string(REPLACE "|" ";" pair "${pair}")
  list(GET pair 0 from)
  list(GET pair 1 to)
  string(FIND "${CK_INI}" "${from}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "config/ecosur.example.ini no longer contains '${from}': update cmake/install.cmake")
  endif()
  string(REPLACE "${from}" "${to}" CK_INI "${CK_INI}")
endforeach()
file(WRITE ${CMAKE_BINARY_DIR}/kiosk.ini "${CK_INI}")

# The unit names the installed binary and data folder. It waits for the
# kiosk's READY=1 and watches its WATCHDOG=1 when the kiosk can send them:
# when the platform layer links libsystemd (PkgConfig::SYSTEMD, issue 10).
# tests/test_package.sh listens on a notify socket and checks that the unit
# and the binary agree.
set(CK_BINDIR "${CMAKE_INSTALL_FULL_BINDIR}")
if(TARGET PkgConfig::SYSTEMD)
  set(CK_UNIT_TYPE "Type=notify\nNotifyAccess=all\nWatchdogSec=30")
else()
  set(CK_UNIT_TYPE "Type=simple")
endif()
configure_file(${CMAKE_SOURCE_DIR}/packaging/cepci-kiosk.service.in ${CMAKE_BINARY_DIR}/cepci-kiosk.service @ONLY)

install(TARGETS cepci-kiosk RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/assets DESTINATION ${CMAKE_INSTALL_DATADIR}/cepci-kiosk)
install(FILES ${CMAKE_SOURCE_DIR}/config/ecosur.example.ini DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(FILES ${CMAKE_BINARY_DIR}/cepci-kiosk.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_BINARY_DIR}/cepci-kiosk.service DESTINATION ${CK_UNITDIR})
install(FILES ${CMAKE_BINARY_DIR}/kiosk.ini DESTINATION ${CK_CONFDIR})
install(FILES ${CMAKE_SOURCE_DIR}/packaging/cepci-kiosk.pam DESTINATION ${CK_PAMDIR} RENAME cepci-kiosk)
