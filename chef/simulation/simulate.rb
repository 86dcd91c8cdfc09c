#!/usr/bin/env ruby
# frozen_string_literal: true

# SIMULATION of a Chef Infra Client run of this cookbook. It is NOT Chef: Chef Infra Client
# cannot be installed here. See README.md beside this file for what it proves and what it does
# not.
#
# It loads the cookbook's custom resources (resources/*.rb) and attributes, evaluates a recipe
# against a recording DSL on the real node's Ohai facts (Debian's ohai) with Debian's
# chef-utils helpers (debian?, rhel?, systemd?), expands every custom resource's
# actions into the built-in resources they declare (package, template, file, directory,
# service), checks the order and every notification target, renders every template with ERB,
# runs every `verify` command against the rendered file, and queues and runs the delayed
# notifications (evaluating their guards), as Chef would on a first run where every resource
# changes. It writes nothing outside its output directory and runs no package or service action.
#
# Usage: simulate.rb --cookbook DIR --recipe NAME --out DIR [--attributes FILE.json]
#                    [--facts FILE.json] [--no-verify]
# Exit status: 0 when every check passes, 1 otherwise. Writes OUT/report.json.

require 'chef-utils'
require 'erb'
require 'fileutils'
require 'json'
require 'open3'
require 'optparse'

# The recording DSL and the simulated run (not Chef Infra Client).
module SakerChefSimulation
  # Raised for anything a real Chef run would refuse (unknown property, wrong type, bad target).
  class Refused < StandardError; end

  # A Hash that creates nested Hashes on first access, for `default['a']['b'] = v`.
  class AutoHash < Hash
    def [](key)
      key?(key.to_s) ? super(key.to_s) : (self[key.to_s] = AutoHash.new)
    end

    def []=(key, value)
      super(key.to_s, value)
    end
  end

  # Evaluates a cookbook file in `target`. Locals of the calling method would be visible to the
  # evaluated code (so `file ::File.join(...)` would parse as `file::File` if a local were named
  # `file`): this method's own two locals carry names no cookbook uses.
  def self.evaluate(sim_target_object, sim_source_path)
    sim_target_object.instance_eval(File.read(sim_source_path), sim_source_path)
  end

  def self.deep_merge(base, over)
    base.merge(over) { |_key, a, b| a.is_a?(Hash) && b.is_a?(Hash) ? deep_merge(a, b) : b }
  end

  def self.plain(value)
    case value
    when Hash then value.to_h { |k, v| [k.to_s, plain(v)] }
    when Array then value.map { |v| plain(v) }
    else value
    end
  end

  # The node: Ohai facts, then attributes/default.rb, then the JSON attributes (like `-j`).
  class Node < Hash
    attr_reader :run_state

    def initialize(facts)
      super()
      merge!(facts)
      @run_state = {}
    end

    def default
      @default ||= AutoHash.new
    end

    def load_attributes(path)
      SakerChefSimulation.evaluate(self, path)
      merge!(SakerChefSimulation.deep_merge(self, SakerChefSimulation.plain(default)))
    end
  end

  # One property declared by a custom resource.
  Property = Struct.new(:name, :types, :options) do
    def check(value, resource)
      allowed = Array(types).map { |t| t.nil? ? NilClass : t }
      unless allowed.any? { |t| t == TrueClass ? [true, false].include?(value) : value.is_a?(t) }
        raise Refused, "#{resource}: property #{name} must be #{allowed.map(&:to_s).join(' or ')}, got #{value.inspect}"
      end

      regex = options[:regex]
      if regex && value.is_a?(String) && value !~ regex
        raise Refused,
              "#{resource}: property #{name} #{value.inspect} does not match #{regex.inspect}"
      end

      value
    end
  end

  # A custom resource type, from one resources/*.rb file.
  class ResourceType
    attr_reader :name, :properties, :actions, :default_actions, :file

    def initialize(file)
      @file = file
      @properties = {}
      @actions = {}
      @default_actions = [:nothing]
      SakerChefSimulation.evaluate(self, file)
      raise Refused, "#{file}: no `provides`" unless @name
    end

    def unified_mode(flag)
      raise Refused, "#{file}: unified_mode must be true" unless flag == true
    end

    def provides(name) = (@name = name)
    def property(name, types, **options) = (@properties[name] = Property.new(name, types, options))
    def default_action(actions) = (@default_actions = Array(actions))
    def action(name, &block) = (@actions[name] = block)
  end

  # A resource declared in a recipe or an action: type, name, properties, actions, notifications.
  class Declared
    BUILTIN = {
      package: { actions: %i[install upgrade remove purge nothing], properties: %i[version source options] },
      dpkg_package: { actions: %i[install remove purge nothing], properties: %i[source options] },
      dnf_package: { actions: %i[install upgrade remove nothing], properties: %i[version source options] },
      template: { actions: %i[create delete nothing],
                  properties: %i[source cookbook owner group mode variables verify] },
      file: { actions: %i[create delete nothing], properties: %i[content owner group mode verify] },
      directory: { actions: %i[create delete nothing], properties: %i[owner group mode recursive] },
      service: { actions: %i[enable disable start stop restart reload nothing], properties: %i[supports service_name] }
    }.freeze

    attr_reader :type, :name, :properties, :notifications, :guards, :children, :source_line, :custom
    attr_accessor :actions

    def initialize(type, name, custom, source_line)
      @type = type
      @name = name
      @custom = custom
      @properties = {}
      @notifications = []
      @guards = []
      @children = []
      @source_line = source_line
      @actions = custom ? custom.default_actions : [BUILTIN.fetch(type)[:actions].first]
      name_property = custom&.properties&.values&.find { |p| p.options[:name_property] }
      @properties[:name] = name
      @properties[name_property.name] = name if name_property
    end

    def to_s = "#{type}[#{name}]"

    def declared_actions
      @custom ? @custom.actions.keys + [:nothing] : BUILTIN.fetch(type)[:actions]
    end

    def set(property, value)
      if @custom
        definition = @custom.properties[property] or raise Refused, "#{self}: unknown property #{property}"
        @properties[property] = definition.check(value, self)
      else
        unless BUILTIN.fetch(type)[:properties].include?(property)
          raise Refused,
                "#{self}: unknown property #{property}"
        end

        @properties[property] = value
      end
    end

    def value(property)
      return @properties[property] if @properties.key?(property)

      definition = @custom&.properties&.dig(property)
      raise Refused, "#{self}: unknown property #{property}" if @custom && definition.nil?

      definition&.options&.fetch(:default, nil)
    end

    # `new_resource.package_name` in an action body.
    def method_missing(name, *args)
      return value(name) if args.empty? && @custom&.properties&.key?(name)

      super
    end

    def respond_to_missing?(name, include_private = false)
      @custom&.properties&.key?(name) || super
    end

    def check_required
      return unless @custom

      @custom.properties.each_value do |p|
        required = p.options[:required]
        needed = required == true || (required.is_a?(Array) && actions.intersect?(required))
        raise Refused, "#{self}: property #{p.name} is required" if needed && !@properties.key?(p.name)
      end
    end

    def to_h
      {
        'resource' => to_s, 'actions' => actions.map(&:to_s), 'properties' => properties.transform_keys(&:to_s),
        'notifications' => notifications.map { |n| n.transform_keys(&:to_s).transform_values(&:to_s) },
        'source' => source_line, 'children' => children.map(&:to_h)
      }
    end
  end

  # The block of a resource declaration: property setters, action, notifies, guards.
  class DeclarationBlock < BasicObject
    def initialize(resource, outer)
      @resource = resource
      @outer = outer
    end

    def action(actions) = (@resource.actions = ::Kernel.Array(actions))

    def notifies(action, target, timing = :delayed)
      @resource.notifications << { action:, target:, timing: }
    end

    def only_if(&block) = (@resource.guards << [:only_if, block])
    def not_if(&block) = (@resource.guards << [:not_if, block])
    def node = @outer.node
    def new_resource = @outer.new_resource

    def method_missing(name, *args, &)
      return @outer.__send__(name, *args, &) if !property?(name) && @outer.respond_to?(name, true)

      ::Kernel.raise Refused, "#{@resource}: #{name} takes one value" unless args.length == 1

      @resource.set(name, args.first)
    end

    def respond_to_missing?(_name, _include_private = false) = true

    private

    def property?(name)
      custom = @resource.custom
      custom ? custom.properties.key?(name) : Declared::BUILTIN.fetch(@resource.type)[:properties].include?(name)
    end
  end

  # Where recipes and action bodies run: resource methods record, chef-utils helpers answer.
  class Context
    include ChefUtils::DSL::PlatformFamily
    include ChefUtils::DSL::Platform
    include ChefUtils::DSL::Introspection
    include ChefUtils::DSL::OS

    attr_reader :node, :new_resource, :declared

    def initialize(simulation, node, new_resource = nil)
      @simulation = simulation
      @node = node
      @new_resource = new_resource
      @declared = []
    end

    def method_missing(name, *args, &block)
      return super unless @simulation.types.key?(name) || Declared::BUILTIN.key?(name)
      raise Refused, "#{name}: takes one name, got #{args.length}" unless args.length == 1

      resource = Declared.new(name, args.first, @simulation.types[name],
                              caller_locations(1, 1).first.to_s.sub("#{@simulation.cookbook}/", ''))
      DeclarationBlock.new(resource, self).instance_eval(&block) if block
      resource.check_required
      refuse_apt_source(resource)
      @declared << resource
      resource
    end

    def respond_to_missing?(name, include_private = false)
      @simulation.types.key?(name) || Declared::BUILTIN.key?(name) || super
    end

    private

    # Chef's apt provider, which `package` resolves to on Debian, refuses `source` at converge.
    def refuse_apt_source(resource)
      return unless resource.type == :package && resource.properties.key?(:source) && debian?

      raise Refused, "#{resource}: the apt provider cannot handle source; use dpkg_package"
    end
  end

  # The whole run.
  class Simulation
    attr_reader :types, :cookbook, :problems

    def initialize(cookbook, facts, attributes)
      @cookbook = File.expand_path(cookbook)
      # As Chef does: libraries first, so resources and recipes may use them.
      Dir[File.join(@cookbook, 'libraries/*.rb')].each { |file| load file }
      @types = Dir[File.join(@cookbook, 'resources/*.rb')].to_h do |file|
        type = ResourceType.new(file)
        [type.name, type]
      end
      @node = Node.new(facts)
      Dir[File.join(@cookbook, 'attributes/*.rb')].each { |file| @node.load_attributes(file) }
      @node.merge!(SakerChefSimulation.deep_merge(@node, attributes))
      @problems = []
      @log = []
    end

    # Evaluates the recipe, then expands each resource's actions, in order.
    def converge(recipe)
      context = Context.new(self, @node)
      path = File.join(@cookbook, 'recipes', "#{recipe}.rb")
      SakerChefSimulation.evaluate(context, path)
      @collection = context.declared
      @collection.each { |resource| expand(resource, resource.actions) }
      check_notifications(@collection)
      run_delayed
      @collection
    end

    def rendered
      @rendered ||= []
    end

    def log(line) = @log << line
    def log_lines = @log

    private

    def expand(resource, actions)
      actions.each do |action|
        raise Refused, "#{resource}: no action #{action}" unless resource.declared_actions.include?(action)
        next if action == :nothing

        if resource.custom
          context = Context.new(self, @node, resource)
          context.instance_exec(&resource.custom.actions.fetch(action))
          resource.children.concat(context.declared)
          context.declared.each { |child| expand(child, child.actions) }
        else
          perform(resource, action)
        end
      end
    end

    # A built-in resource "runs": templates are rendered and verified; guards are evaluated.
    def perform(resource, action)
      if resource.guards.any? { |kind, block| (kind == :only_if) != (block.call ? true : false) }
        log("#{resource} action #{action}: skipped by its guard")
        return
      end
      log("#{resource} action #{action}")
      case resource.type
      when :template then render(resource, action)
      when :file then stage(resource, resource.value(:content).to_s) if action == :create
      end
    end

    def render(resource, action)
      return unless action == :create

      source = resource.value(:source) or raise Refused, "#{resource}: no source"
      template = [File.join(@cookbook, 'templates', source),
                  File.join(@cookbook, 'templates/default', source)].find do |f|
        File.exist?(f)
      end
      raise Refused, "#{resource}: template #{source} not found in the cookbook" unless template

      scope = Object.new
      (resource.value(:variables) || {}).each { |key, value| scope.instance_variable_set("@#{key}", value) }
      node = @node
      scope.define_singleton_method(:node) { node }
      text = ERB.new(File.read(template), trim_mode: '-').result(scope.instance_eval { binding })
      stage(resource, text, template)
    end

    def stage(resource, text, template = nil)
      rendered << { resource:, text:, template:, verify: resource.value(:verify) }
    end

    def check_notifications(collection)
      index = collection.to_h { |r| [r.to_s, r] }
      each_resource(collection) do |resource|
        resource.notifications.each do |n|
          target = index[n[:target]]
          @problems << "#{resource}: notifies #{n[:target]}, which is not in the resource collection" unless target
          next unless target

          unless target.declared_actions.include?(n[:action])
            @problems << "#{resource}: notifies #{n[:target]} to #{n[:action]}, an action it does not have"
          end
          @problems << "#{resource}: notification timing #{n[:timing]} (expected :delayed or :immediately)" unless %i[
            delayed immediately
          ].include?(n[:timing])
        end
      end
    end

    def each_resource(collection, &)
      collection.each do |resource|
        yield resource
        each_resource(resource.children, &)
      end
    end

    # First run: every resource counts as updated, so every delayed notification fires once,
    # in the order queued (duplicates collapse, as in Chef).
    def run_delayed
      queue = []
      each_resource(@collection) do |resource|
        resource.notifications.each do |n|
          key = [n[:target], n[:action]]
          queue << key unless queue.include?(key)
        end
      end
      index = @collection.to_h { |r| [r.to_s, r] }
      @delayed = queue.map { |target, action| { 'target' => target, 'action' => action.to_s } }
      queue.each do |target, action|
        resource = index[target]
        next unless resource&.declared_actions&.include?(action) # reported by check_notifications

        log("delayed: #{target} action #{action}")
        expand(resource, [action])
      end
    end

    public

    def delayed = @delayed || []
  end

  # Command line.
  def self.main(argv)
    options = { attributes: nil, facts: nil, verify: true }
    OptionParser.new do |o|
      o.on('--cookbook DIR') { |v| options[:cookbook] = v }
      o.on('--recipe NAME') { |v| options[:recipe] = v }
      o.on('--out DIR') { |v| options[:out] = v }
      o.on('--attributes FILE') { |v| options[:attributes] = v }
      o.on('--facts FILE') { |v| options[:facts] = v }
      o.on('--no-verify') { options[:verify] = false }
    end.parse!(argv)
    %i[cookbook recipe out].each { |key| abort("simulate.rb: --#{key} is required") unless options[key] }

    facts = options[:facts] ? JSON.parse(File.read(options[:facts])) : ohai_facts
    attributes = options[:attributes] ? JSON.parse(File.read(options[:attributes])) : {}
    FileUtils.mkdir_p(options[:out])
    simulation = Simulation.new(options[:cookbook], facts, attributes)
    collection = simulation.converge(options[:recipe])
    problems = simulation.problems.dup
    files = simulation.rendered.each_with_index.map do |staged, i|
      path = File.join(options[:out], format('%<i>02d-%<name>s', i:, name: File.basename(staged[:resource].name)))
      File.write(path, staged[:text])
      File.chmod(0o644, path)
      entry = { 'resource' => staged[:resource].to_s, 'rendered' => path, 'template' => staged[:template],
                'verify' => staged[:verify] }
      if staged[:verify] && options[:verify]
        unless staged[:verify].include?('%{path}')
          problems << "#{staged[:resource]}: verify #{staged[:verify].inspect} has no %{path}"
          next entry
        end
        command = staged[:verify].gsub('%{path}', path)
        out, status = Open3.capture2e(command)
        entry['verify_command'] = command
        entry['verify_exit'] = status.exitstatus
        entry['verify_output'] = out
        problems << "#{staged[:resource]}: verify failed (exit #{status.exitstatus}): #{command}" unless status.success?
      end
      entry
    end
    report = {
      'simulation' => 'recording DSL, not Chef Infra Client',
      'facts' => facts.slice('platform', 'platform_family', 'platform_version', 'init_package', 'hostname'),
      'systemd' => simulation.types.empty? ? nil : Context.new(simulation, {}).systemd?,
      'order' => collection.map(&:to_s),
      'resources' => collection.map(&:to_h),
      'delayed_notifications' => simulation.delayed,
      'log' => simulation.log_lines,
      'rendered' => files,
      'problems' => problems
    }
    File.write(File.join(options[:out], 'report.json'), JSON.pretty_generate(report))
    problems.each { |p| warn "simulate.rb: #{p}" }
    files.each do |f|
      next unless f['verify_exit']

      puts "verify #{f['resource']}: exit #{f['verify_exit']}"
      puts f['verify_output'] unless f['verify_exit'].zero?
    end
    problems.empty? ? 0 : 1
  rescue Refused => e
    warn "simulate.rb: refused: #{e.message}"
    1
  rescue StandardError => e
    warn "simulate.rb: the run failed: #{e.message} (#{e.backtrace&.first})"
    1
  end

  def self.ohai_facts
    require 'ohai'
    system = Ohai::System.new
    system.all_plugins(%w[platform init_package hostname kernel])
    SakerChefSimulation.plain(system.data)
  end
end

exit SakerChefSimulation.main(ARGV) if $PROGRAM_NAME == __FILE__
