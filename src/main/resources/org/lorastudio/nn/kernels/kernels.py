class LoraStudioKernels(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  def sdpa(self: __torch__.LoraStudioKernels, q: Tensor, k: Tensor, v: Tensor) -> Tensor:
    return torch.scaled_dot_product_attention(q, k, v)
  def sdpa_mask(self: __torch__.LoraStudioKernels, q: Tensor, k: Tensor, v: Tensor, mask: Tensor) -> Tensor:
    return torch.scaled_dot_product_attention(q, k, v, mask)
  def to_float32(self: __torch__.LoraStudioKernels, x: Tensor) -> Tensor:
    return x.float()
  def to_float16(self: __torch__.LoraStudioKernels, x: Tensor) -> Tensor:
    return x.half()
  def gradients(self: __torch__.LoraStudioKernels, params: List[Tensor]) -> List[Tensor]:
    grads = annotate(List[Tensor], [])
    for p in params:
      g = p.grad
      if g is not None:
        grads.append(g)
    if len(grads) != len(params):
      return annotate(List[Tensor], [])
    return grads
  def adamw(self: __torch__.LoraStudioKernels, params: List[Tensor], exp_avgs: List[Tensor], exp_avg_sqs: List[Tensor], hp: List[float]) -> int:
    grads = self.gradients(params)
    if len(grads) == 0:
      return 0
    steps = [torch.tensor(hp[5])] * len(params)
    torch._fused_adamw_(params, grads, exp_avgs, exp_avg_sqs, annotate(List[Tensor], []), steps, lr=hp[0], beta1=hp[1], beta2=hp[2], weight_decay=hp[3], eps=hp[4], amsgrad=False, maximize=False)
    torch._foreach_zero_(grads)
    return len(params)
  def lion(self: __torch__.LoraStudioKernels, params: List[Tensor], exp_avgs: List[Tensor], hp: List[float]) -> int:
    grads = self.gradients(params)
    if len(grads) == 0:
      return 0
    lr = hp[0]
    beta1 = hp[1]
    beta2 = hp[2]
    torch._foreach_mul_(params, 1.0 - lr * hp[3])
    update = torch._foreach_mul(exp_avgs, beta1)
    torch._foreach_add_(update, torch._foreach_mul(grads, 1.0 - beta1))
    signs = annotate(List[Tensor], [])
    for u in update:
      signs.append(torch.sign(u))
    torch._foreach_sub_(params, torch._foreach_mul(signs, lr))
    torch._foreach_mul_(exp_avgs, beta2)
    torch._foreach_add_(exp_avgs, torch._foreach_mul(grads, 1.0 - beta2))
    for g in grads:
      g.zero_()
    return len(params)
  def sgd(self: __torch__.LoraStudioKernels, params: List[Tensor], buffers: List[Tensor], hp: List[float]) -> int:
    grads = self.gradients(params)
    if len(grads) == 0:
      return 0
    lr = hp[0]
    momentum = hp[1]
    wd = hp[2]
    d = grads
    if wd != 0.0:
      d = torch._foreach_add(grads, torch._foreach_mul(params, wd))
    if momentum != 0.0:
      torch._foreach_mul_(buffers, momentum)
      torch._foreach_add_(buffers, d)
      d = buffers
    torch._foreach_sub_(params, torch._foreach_mul(d, lr))
    for g in grads:
      g.zero_()
    return len(params)
