// The models and model instances one write (or one transaction) makes stale, collected while the
// write is analysed and handed to garner.invalidateMany as one batch. A model target covers all
// of its instances, so instances of a model that is invalidated whole are dropped.
import { type Binding, type BindingId, encodeKey } from '@garner/core'

export class InvalidationTargets {
  // Per model: 'model' for the whole model, else its instances by canonical id text.
  private readonly targets = new Map<string, 'model' | Map<string, BindingId>>()

  /** Targets the whole model. */
  model(model: string): void {
    this.targets.set(model, 'model')
  }

  /** Targets several whole models. */
  models(models: Iterable<string>): void {
    for (const model of models) this.model(model)
  }

  /** Targets one instance, or the whole model when the id is unknown. */
  instance(model: string, id: BindingId | undefined): void {
    const existing = this.targets.get(model)
    if (existing === 'model') return
    if (id === undefined) {
      this.model(model)
      return
    }
    const instances = existing ?? new Map<string, BindingId>()
    instances.set(encodeKey(id), id)
    this.targets.set(model, instances)
  }

  /** Adds every target of `other`. */
  add(other: InvalidationTargets): void {
    for (const [model, target] of other.targets) {
      if (target === 'model') this.model(model)
      else for (const id of target.values()) this.instance(model, id)
    }
  }

  get isEmpty(): boolean {
    return this.targets.size === 0
  }

  /**
   * The targets as Garner bindings, `{ model }` or `{ model, id }`: the object form, because a
   * list of two model names would read as one instance (`['Post', 'Comment']` is the Post whose
   * id is 'Comment').
   */
  bindings(): Binding[] {
    const bindings: Binding[] = []
    for (const [model, target] of this.targets) {
      if (target === 'model') bindings.push({ model })
      else for (const id of target.values()) bindings.push({ model, id })
    }
    return bindings
  }
}
