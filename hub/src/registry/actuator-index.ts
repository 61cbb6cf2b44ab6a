import type { Device } from '../model/device.js'
import type { DeviceRegistry } from './device-registry.js'

/**
 * The registry's devices that drive an actuator (a valve, a fan, a siren: `actuators`), the only
 * ones a response plan's command can reach (response/scope.ts). Kept as a list rebuilt when the
 * registry's devices change (its `version`), instead of walking every device each time a plan is
 * adopted: in a 100,000-device zone each alarm that opened or raised an incident walked all of
 * them once per plan command — 39 MB of garbage in 20 s of a reconnect storm with 50 alarms
 * (many-connections bench, sampled allocation profile), and the loop held meanwhile.
 */
export class ActuatorIndex {
  private built = -1
  private ids: string[] = []

  constructor(private readonly registry: Pick<DeviceRegistry, 'all' | 'get' | 'version'>) {}

  /** The devices driving an actuator, as the registry holds them now. */
  *devices(): Generator<Device> {
    if (this.built !== this.registry.version) {
      this.ids = []
      for (const r of this.registry.all()) if (r.device.actuators?.length) this.ids.push(r.device.id)
      this.built = this.registry.version
    }
    for (const id of this.ids) {
      const r = this.registry.get(id)
      if (r) yield r.device
    }
  }
}
