# frozen_string_literal: true

name 'saker'
maintainer 'Saker maintainers'
maintainer_email 'saker@example.invalid'
license 'Apache-2.0'
description 'Installs, configures and supervises the Saker runtime-security agent under systemd'
version '0.1.0'
chef_version '>= 16.0'

supports 'debian', '>= 12.0'
supports 'ubuntu', '>= 22.04'
supports 'redhat', '>= 9.0'
