# package.cmake — the Debian package, built by CPack (cpack -G DEB) from the
# install rules of cmake/install.cmake. packaging/build-deb.sh is the recipe
# (a Release build without CK_TEST_HOOKS, with CK_SYSTEM_PATHS, prefix /usr
# and Debian's hardening flags); tests/test_package.sh runs it.
#
#   Depends    what dpkg-shlibdeps finds in the binary (the libraries), plus
#              what it cannot see: the compositor the unit starts (cage, and
#              xwayland, without which Debian 12's cage 0.1.4 refuses to
#              start), seatd (the screen and input devices for cage),
#              procps (pkill: the unit's ExecStop), logind's PAM module (the
#              session of the README's xinit variant), the font, the time
#              zones, adduser for postinst.
#   conffiles  /etc/cepci-kiosk/kiosk.ini, /etc/pam.d/cepci-kiosk
#   scripts    packaging/postinst (system user, /var/lib/cepci-kiosk 0700),
#              packaging/prerm (stops the kiosk on removal), packaging/postrm
#              (never deletes data; says where it is on purge)
set(CK_PACKAGE_MAINTAINER "cepci-kiosk maintainers <maintainers@users.noreply.b-seed-cc5f400a.example>"
    CACHE STRING "Maintainer field of the Debian package")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME cepci-kiosk)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${CK_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "touchscreen attendance and pledge kiosk for ethics committees")
set(CPACK_PACKAGE_DESCRIPTION "\
cepci-kiosk is a touchscreen kiosk for the ethics committees (CEPCI) of
Mexican federal institutions. Staff check in at ethics trainings and sign
the Code of Conduct pledge (Carta Compromiso); each record is stored in an
SQLite database with a hash-chained audit log and gets a receipt with a
signed QR code. The same program is the coordinator's command line: roster
import, events, indicators, PDF/CSV/XLSX evidence exports, backups.
.
The package installs a systemd unit that boots the machine into the kiosk
under the cage Wayland compositor on tty1, as the cepci-kiosk system user,
with its data in /var/lib/cepci-kiosk.")
# The install prefix is baked into the binary (kiosk/main.c): the package
# lays its files out under the same prefix.
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CK_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The Debian revision: 1 for a release; tests/test_upgrade.sh builds a
# "newer" package of the same version with 2.
set(CK_DEB_RELEASE 1 CACHE STRING "Debian revision of the package (VERSION-REVISION)")
set(CPACK_DEBIAN_PACKAGE_RELEASE ${CK_DEB_RELEASE})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)   # cepci-kiosk_VERSION-RELEASE_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, cage, xwayland, seatd, procps, libpam-systemd, fonts-noto-core, tzdata")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/packaging/postinst
    ${CMAKE_SOURCE_DIR}/packaging/prerm
    ${CMAKE_SOURCE_DIR}/packaging/postrm
    ${CMAKE_SOURCE_DIR}/packaging/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)   # scripts 0755, conffiles 0644

# Debian's own documents: copyright and changelog (compressed, no name or
# timestamp in the gzip header).
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/changelog.Debian.gz
  COMMAND ${CK_GZIP} -9nc ${CMAKE_SOURCE_DIR}/packaging/changelog > ${CMAKE_BINARY_DIR}/changelog.Debian.gz
  DEPENDS ${CMAKE_SOURCE_DIR}/packaging/changelog
  COMMENT "Compressing the Debian changelog")
add_custom_target(ck_changelog ALL DEPENDS ${CMAKE_BINARY_DIR}/changelog.Debian.gz)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/copyright ${CMAKE_BINARY_DIR}/changelog.Debian.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

include(CPack)
