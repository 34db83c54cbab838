import { Module } from '@nestjs/common';
import { PlansController } from './plans.controller.js';
import { PlanStatusHooks } from './plan-status.hooks.js';
import { PlansService } from './plans.service.js';

@Module({ controllers: [PlansController], providers: [PlansService, PlanStatusHooks], exports: [PlansService, PlanStatusHooks] })
export class PlansModule {}
